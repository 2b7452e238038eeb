using BetterData.Grains.Events;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    /// <summary>Outbound delivery: options, the store (PostgreSQL when configured, memory otherwise), the typed HTTP client, retention.</summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, ClusterSettings settings)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration("Delivery")
            .Validate(o => o.MaxInFlightPerEndpoint > 0 && o.AttemptTimeout > TimeSpan.Zero, "Delivery: MaxInFlightPerEndpoint and AttemptTimeout must be positive.")
            .Validate(o => TryParse(o), "Delivery:AllowedNetworks must be CIDRs such as 10.0.0.0/8.")
            .ValidateOnStart();
        services.AddOptions<AlertOptions>().BindConfiguration("Alerts");
        if (settings.IsDurable)
        {
            services.AddSingleton<IDeliveryStore, PostgresDeliveryStore>();
        }
        else
        {
            services.AddSingleton<IDeliveryStore, InMemoryDeliveryStore>();
        }

        services.AddDeliveryHttpClient();
        services.AddSingleton<DeliveryRetentionService>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryRetentionService>());
        services.AddHostedService<DeliveryMetrics>();
        return services;
    }

    private static bool TryParse(DeliveryOptions options)
    {
        try
        {
            _ = SsrfGuard.ParseNetworks(options.AllowedNetworks);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

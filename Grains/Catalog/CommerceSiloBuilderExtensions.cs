using BetterData.Grains.Hosting;
using BetterData.Grains.Orders;
using BetterData.Grains.Square;
using Microsoft.Extensions.DependencyInjection;

namespace BetterData.Grains.Catalog;

public static class CommerceSiloBuilderExtensions
{
    /// <summary>
    /// Commerce sync's silo side: options (<c>Commerce</c> section), the catalog, event-id and order-list stores (PostgreSQL when
    /// configured, memory otherwise), their retention, and the Square API client.
    /// </summary>
    public static ISiloBuilder AddCommerce(this ISiloBuilder silo, ClusterSettings settings)
    {
        silo.Services.AddOptions<CommerceOptions>().BindConfiguration("Commerce");
        if (settings.IsDurable)
        {
            silo.Services.AddSingleton<ICatalogStore, PostgresCatalogStore>();
            silo.Services.AddSingleton<IInboundEventLog, PostgresInboundEventLog>();
            silo.Services.AddSingleton<IOrderIndex, PostgresOrderIndex>();
        }
        else
        {
            silo.Services.AddSingleton<ICatalogStore, InMemoryCatalogStore>();
            silo.Services.AddSingleton<IInboundEventLog, InMemoryInboundEventLog>();
            silo.Services.AddSingleton<IOrderIndex, InMemoryOrderIndex>();
        }

        silo.Services.AddHostedService<InboundEventRetentionService>();
        silo.Services.AddHttpClient<SquareApiClient>(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return silo;
    }
}

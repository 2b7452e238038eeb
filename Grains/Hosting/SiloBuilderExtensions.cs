using BetterData.Grains.Billing;
using BetterData.Grains.Delivery;
using BetterData.Grains.Catalog;
using BetterData.Grains.Demand;
using BetterData.Grains.Imports;
using BetterData.Grains.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;

namespace BetterData.Grains.Hosting;

public static class SiloBuilderExtensions
{
    private const string Invariant = "Npgsql";

    /// <summary>
    /// Everything a BetterData silo needs: cluster identity, clustering, grain storage and reminders
    /// (PostgreSQL through Orleans' ADO.NET providers when a connection string is set, in memory otherwise),
    /// the dashboard's silo side, and the grains' own services.
    /// </summary>
    public static ISiloBuilder AddBetterDataGrains(this ISiloBuilder silo, ClusterSettings settings)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        // Failure-detection timing (ProbeTimeout, NumMissedProbesLimit, …) is an operator's choice: Orleans:Membership.
        silo.Services.AddOptions<ClusterMembershipOptions>().BindConfiguration("Orleans:Membership");
        if (settings.SiloName is { } name)
        {
            silo.Configure<SiloOptions>(o => o.SiloName = name);
        }

        if (settings.PostgresConnectionString is { } cs)
        {
            silo.ConfigureEndpoints(settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = cs;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = cs;
            });
            silo.AddAdoNetGrainStorage(StorageNames.Default, o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = cs;
            });
            silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Products, (sp, _) => new BatchedGrainStorage(
                sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IGrainStorageSerializer>(), sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
            // One in-process store for both names (state is keyed by grain id, which names the grain type).
            silo.Services.AddSingleton(sp => new InProcessGrainStorage(sp.GetRequiredService<IGrainStorageSerializer>()));
            silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Default, (sp, _) => sp.GetRequiredService<InProcessGrainStorage>());
            silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Products, (sp, _) => sp.GetRequiredService<InProcessGrainStorage>());
            silo.UseInMemoryReminderService();
        }

        // Orleans' binary serializer for grain state, in every storage provider (ADO.NET, batched and in-process): the same
        // [GenerateSerializer]/[Id] contract as grain calls (version-tolerant by field id), no type-name strings or
        // reference tracking in the rows, and far cheaper than the Newtonsoft default. See README.
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        // Its metrics reader collects Orleans' counters every second (fixed in the package) and walks the activations each
        // time: 3-9 % of a silo's CPU with 100k+ activations. Orleans:Dashboard=false leaves it out on such silos.
        if (settings.Dashboard)
        {
            silo.AddDashboard();
        }

        return silo.AddBetterDataGrainServices(settings);
    }

    /// <summary>
    /// The grains' own services and options (billing, delivery, commerce), without clustering or storage, so an
    /// Orleans test cluster registers exactly what a real silo does.
    /// </summary>
    public static ISiloBuilder AddBetterDataGrainServices(this ISiloBuilder silo, ClusterSettings settings)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        if (settings.PostgresConnectionString is { } cs)
        {
            // One pool for all of our stores (delivery, imports, catalog, event ids); Orleans' providers keep theirs.
            silo.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(ClusterSettings.ForStores(cs)));
        }

        silo.Services.AddOptions<BillingOptions>().BindConfiguration("Billing");
        // Secrets in grain state are encrypted under Secrets:Keys (required with PostgreSQL; see SecretProtector).
        silo.Services.AddOptions<SecretsOptions>().BindConfiguration("Secrets").ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<SecretsOptions>>(new SecretsOptionsValidation(settings.IsDurable));
        silo.Services.TryAddSingleton(sp => SecretProtector.Create(sp.GetRequiredService<IOptions<SecretsOptions>>().Value, settings.IsDurable));
        silo.Services.AddDelivery(settings);
        silo.AddCommerce(settings);
        silo.AddDemand();
        silo.AddImports(settings);
        return silo;
    }
}

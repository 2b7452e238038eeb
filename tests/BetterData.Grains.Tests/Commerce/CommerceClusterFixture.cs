using BetterData.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace BetterData.Grains.Tests.Commerce;

/// <summary>One in-process test cluster with the commerce grains and a recorder of published events.</summary>
public sealed class CommerceClusterFixture : IAsyncLifetime
{
    public PublishRecorder Recorder { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Default).AddMemoryGrainStorage(StorageNames.Products).UseInMemoryReminderService();
            silo.Services.AddSingleton(TimeProvider.System);
            silo.AddIncomingGrainCallFilter(Recorder);
            silo.AddBetterDataGrainServices(ClusterSettings.From(new ConfigurationBuilder().Build()));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class CommerceClusterCollection : ICollectionFixture<CommerceClusterFixture>
{
    public const string Name = "Commerce cluster";
}

using System.Diagnostics;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Benchmarks;
using Xunit.Abstractions;

namespace BetterData.Api.Tests.Faults;

/// <summary>kill -9 of one of three silos while signed Shopify events stream in: no acknowledged event is lost.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SiloKillTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Ingest_OneOfThreeSilosKilled_NoAcknowledgedEventLost()
    {
        await using var cluster = await FaultCluster.StartAsync(await postgres.NewDatabaseAsync(), silos: 3, tenants: 8);
        var traffic = new ShopifyTraffic(Enumerable.Range(0, 8).Select(ShopifyTraffic.Shop).ToArray(), ShopifyTraffic.Secret, 0);
        using var http = LoadGenerator.CreateClient(cluster.Api.BaseAddress, 8, TimeSpan.FromSeconds(20));

        var load = LoadGenerator.RunAsync(http, traffic.Update, concurrency: 8, duration: TimeSpan.FromSeconds(25));
        await Task.Delay(TimeSpan.FromSeconds(6));
        var killedAt = Stopwatch.GetTimestamp();
        cluster.Silos[1].Kill();
        var result = await load;
        await cluster.WaitServingAsync(TimeSpan.FromSeconds(60));
        var (found, lost) = await IngestCheck.CountLostAsync(cluster.Api.BaseAddress, FaultCluster.AdminKey, cluster.Tenants, traffic, result.Samples);

        var ackedAfterKill = result.Samples.Count(s => s.Ok && s.CompletedAt > killedAt);
        output.WriteLine($"silo kill: sent {result.Samples.Length}, acknowledged {result.Ok} ({ackedAfterKill} after the kill), "
            + $"products checked {found}, lost {lost}; statuses {result.StatusSummary}");
        Assert.True(ackedAfterKill > 0, "the two surviving silos kept acknowledging events");
        Assert.Equal(0, lost);
    }
}

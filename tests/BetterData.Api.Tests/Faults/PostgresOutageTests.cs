using System.Diagnostics;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Benchmarks;
using Xunit.Abstractions;

namespace BetterData.Api.Tests.Faults;

/// <summary>
/// PostgreSQL stopped for 10 s under load: requests fail with 5xx (never a 4xx that would make a provider give up),
/// nothing acknowledged is lost, and the service serves again by itself once the database is back.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOutageTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Ingest_PostgresDownFor10Seconds_Fails5xx_LosesNothing_AndRecovers()
    {
        await using var cluster = await FaultCluster.StartAsync(await postgres.NewDatabaseAsync(), silos: 1, tenants: 8);
        var traffic = new ShopifyTraffic(Enumerable.Range(0, 8).Select(ShopifyTraffic.Shop).ToArray(), ShopifyTraffic.Secret, 0);
        using var http = LoadGenerator.CreateClient(cluster.Api.BaseAddress, 8, TimeSpan.FromSeconds(10));

        var load = LoadGenerator.RunAsync(http, traffic.Update, concurrency: 8, duration: TimeSpan.FromSeconds(40));
        await Task.Delay(TimeSpan.FromSeconds(5));
        await postgres.Server.StopAsync();
        var stoppedAt = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(10));
        await postgres.Server.RestartAsync();
        var restartedAt = Stopwatch.GetTimestamp();
        var result = await load;
        await cluster.WaitServingAsync(TimeSpan.FromSeconds(60));
        var (found, lost) = await IngestCheck.CountLostAsync(cluster.Api.BaseAddress, FaultCluster.AdminKey, cluster.Tenants, traffic, result.Samples);

        var during = result.Samples.Where(s => s.CompletedAt > stoppedAt && s.CompletedAt < restartedAt).ToArray();
        var recovered = result.Samples.Count(s => s.Ok && s.CompletedAt > restartedAt + 10 * Stopwatch.Frequency);
        output.WriteLine($"postgres outage: sent {result.Samples.Length}, acknowledged {result.Ok}, during the outage {during.Length} "
            + $"({during.Count(s => s.Ok)} acknowledged), acknowledged from 10 s after restart {recovered}, products checked {found}, lost {lost}; "
            + $"statuses {result.StatusSummary}");
        Assert.DoesNotContain(result.Samples, s => s.Status is >= 400 and < 500);
        Assert.True(recovered > 0, "acknowledging again within 10 s of the restart, without intervention");
        Assert.Equal(0, lost);
    }
}

using System.Net.Http.Json;
using BetterData.Api.Tests.Delivery;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Benchmarks;
using BetterData.Grains.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace BetterData.Api.Tests.Faults;

/// <summary>
/// kill -9 of the silo that holds an endpoint's deliveries while they wait in backoff: the durable wake-up
/// (reminder + delivery store in PostgreSQL) brings them back on a surviving silo and every delivery completes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DeliverySiloKillTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int Events = 20;

    [Fact]
    public async Task Deliveries_SiloKilledMidBackoff_EveryDeliveryCompletes()
    {
        await using var receiver = await BenchReceiver.StartAsync();
        receiver.Down = true;
        var cs = await postgres.NewDatabaseAsync();
        await using var cluster = await FaultCluster.StartAsync(cs, silos: 3, tenants: 0, new Dictionary<string, string?>
        {
            ["Delivery__AllowedNetworks__0"] = "127.0.0.0/8",
            ["Delivery__RequireHttps"] = "false",
            ["Delivery__RetrySchedule__0"] = "00:00:00",
            ["Delivery__RetrySchedule__1"] = "00:00:10",
            ["Delivery__RetrySchedule__2"] = "00:00:10",
            ["Delivery__RetrySchedule__3"] = "00:00:10",
            ["Delivery__RetrySchedule__4"] = "00:00:10",
            ["Delivery__RetrySchedule__5"] = "00:00:10",
            ["Delivery__RetrySchedule__6"] = "00:00:10",
            ["Delivery__RetrySchedule__7"] = "00:00:10",
            ["Delivery__RetrySchedule__8"] = "00:00:10",
            ["Delivery__RetrySchedule__9"] = "00:00:10",
        });
        var admin = cluster.Api.Client(FaultCluster.AdminKey);
        (await admin.PostAsJsonAsync("/api/tenants", new { name = "Deliveries", id = "deliveries" })).EnsureSuccessStatusCode();
        var endpoint = await admin.CreateEndpointAsync("deliveries", new Uri(receiver.Address, "/hook/0").ToString(), "subscription.updated");
        for (var i = 0; i < Events; i++)
        {
            await admin.PublishAsync("deliveries", "subscription.updated", new { seq = i });
        }

        // Every delivery has failed once and now waits 10 s in backoff; kill the silo that holds the endpoint.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (receiver.Attempts < Events && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(receiver.Attempts >= Events, $"first attempts: {receiver.Attempts}");
        var port = await FindSiloPortAsync(cluster, endpoint.Endpoint.Id);
        var victim = cluster.Silos.Single(s => s.SiloPort == port);
        victim.Kill();
        receiver.Down = false;

        var delivered = await receiver.WaitForAsync(Events, TimeSpan.FromSeconds(150));
        var log = await DeliveryLog.ReadAllAsync(admin, "deliveries", endpoint.Endpoint.Id);
        output.WriteLine($"delivery silo kill: deliveries expected {Events}, delivered {delivered}, killed {victim.Name}, "
            + $"log: {log.Count(d => d.Delivery.Status == DeliveryStatus.Succeeded)} succeeded, {receiver.Receipts.Count} receipts (duplicates allowed: at least once)");
        Assert.Equal(Events, delivered);
        Assert.All(log, d => Assert.Equal(DeliveryStatus.Succeeded, d.Delivery.Status));
    }

    // An Orleans client of our own asks the management grain which silo holds the endpoint's grain.
    private static async Task<int> FindSiloPortAsync(FaultCluster cluster, string endpointId)
    {
        using var host = new HostBuilder()
            .UseOrleansClient(client => client
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = cluster.Environment["ConnectionStrings__Postgres"];
                })
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.Environment["Orleans__ClusterId"]!;
                    o.ServiceId = "betterdata";
                }))
            .Build();
        await host.StartAsync();
        try
        {
            var statistics = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
            var match = statistics.First(s => s.GrainId.Key.ToString() == endpointId && s.GrainType.Contains("EndpointDelivery", StringComparison.Ordinal));
            return match.SiloAddress.Endpoint.Port;
        }
        finally
        {
            await host.StopAsync();
        }
    }
}

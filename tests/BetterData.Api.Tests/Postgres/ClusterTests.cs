using System.Net;
using System.Net.Http.Json;
using BetterData.Api.Management;
using BetterData.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;

namespace BetterData.Api.Tests.Postgres;

/// <summary>Two Silo processes and one Api client process against one PostgreSQL form one cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTests(PostgresFixture postgres)
{
    private const string AdminKey = "bd_admin_cluster_test_key";

    [Fact]
    public async Task ApiClient_ReachesGrain_AndAfterItsSiloIsKilled_TheOtherSiloServesIt()
    {
        var cs = await postgres.NewDatabaseAsync();
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = cs,
            ["Admin__ApiKey"] = AdminKey,
            ["Orleans__ClusterId"] = clusterId,
        };

        await using var siloA = HostProcess.Start("Silo", "silo-a", environment);
        await siloA.WaitReadyAsync(TimeSpan.FromSeconds(90));
        await using var siloB = HostProcess.Start("Silo", "silo-b", environment);
        await siloB.WaitReadyAsync(TimeSpan.FromSeconds(90));
        await using var api = HostProcess.Start("Api", "api", new Dictionary<string, string?>(environment) { ["Orleans__Mode"] = "Client" });
        await api.WaitReadyAsync(TimeSpan.FromSeconds(90));

        var created = await api.Client(AdminKey).PostAsJsonAsync("/api/tenants", new { name = "Clustered", id = "clustered" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var tenant = (await created.Content.ReadFromJsonAsync<CreatedTenant>())!;
        var tenantClient = api.Client(tenant.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await tenantClient.GetAsync("/api/tenants/clustered")).StatusCode);

        var hostingPort = await FindSiloPortAsync(cs, clusterId, "clustered");
        var (victim, survivor) = hostingPort == siloA.SiloPort ? (siloA, siloB) : (siloB, siloA);
        Assert.Equal(hostingPort, victim.SiloPort);
        victim.Kill();

        // Membership must first declare the dead silo dead; until then a call may time out. Poll, bounded.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        HttpStatusCode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = (await tenantClient.GetAsync("/api/tenants/clustered")).StatusCode;
                if (last == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(500);
        }

        Assert.Equal(HttpStatusCode.OK, last);
        Assert.Equal(survivor.SiloPort, await FindSiloPortAsync(cs, clusterId, "clustered"));
        Assert.False(survivor.HasExited);
    }

    // An Orleans client of our own asks the management grain where the tenant grain lives.
    private static async Task<int> FindSiloPortAsync(string cs, string clusterId, string tenantId)
    {
        using var host = new HostBuilder()
            .UseOrleansClient(client => client
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = cs;
                })
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = "betterdata";
                }))
            .Build();
        await host.StartAsync();
        try
        {
            var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var statistics = await management.GetDetailedGrainStatistics();
                var match = statistics.FirstOrDefault(s => s.GrainId.Type.ToString() == "tenant" && s.GrainId.Key.ToString() == tenantId);
                if (match is not null)
                {
                    return match.SiloAddress.Endpoint.Port;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException("The tenant grain is not active on any silo.");
                }

                await Task.Delay(500);
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }
}

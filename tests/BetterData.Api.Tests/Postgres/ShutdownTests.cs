using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using BetterData.Api.Management;
using BetterData.Api.Tests.Infrastructure;

namespace BetterData.Api.Tests.Postgres;

/// <summary>SIGTERM to a real process: readiness goes false first, requests are still served while draining, exit is clean.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ShutdownTests(PostgresFixture postgres)
{
    private const string AdminKey = "bd_admin_shutdown_test_key";

    [Fact]
    public async Task Sigterm_TurnsReadinessOffFirst_ServesWhileDraining_AndExitsCleanly()
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = await postgres.NewDatabaseAsync(),
            ["Admin__ApiKey"] = AdminKey,
            ["Orleans__ClusterId"] = "shutdown-" + Guid.NewGuid().ToString("N")[..8],
            ["Shutdown__DrainDelay"] = "00:00:08",
        };
        var first = HostProcess.Start("Api", "api-1", environment);
        CreatedTenant tenant;
        await using (first)
        {
            await first.WaitReadyAsync(TimeSpan.FromSeconds(90));
            var client = first.Client(AdminKey);
            tenant = (await (await client.PostAsJsonAsync("/api/tenants", new { name = "Before SIGTERM", id = "sigterm" }))
                .Content.ReadFromJsonAsync<CreatedTenant>())!;

            var exit = first.TerminateAsync(TimeSpan.FromSeconds(60));
            // Readiness goes off as soon as the signal is handled (polled: a busy machine may take a moment), and
            // requests are still served for the rest of the drain.
            var signalled = Stopwatch.StartNew();
            while ((await client.GetAsync("/health/ready")).StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(5), "readiness still on 5 s after SIGTERM");
                await Task.Delay(100);
            }

            Assert.Equal(HttpStatusCode.OK, (await first.Client(tenant.ApiKey).GetAsync("/api/tenants/sigterm")).StatusCode);
            Assert.Equal(0, await exit);
            Assert.Contains("draining", first.Output, StringComparison.Ordinal);
        }

        await using var second = HostProcess.Start("Api", "api-2", environment, samePortsAs: first);
        await second.WaitReadyAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(HttpStatusCode.OK, (await second.Client(tenant.ApiKey).GetAsync("/api/tenants/sigterm")).StatusCode);
    }
}

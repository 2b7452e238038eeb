using System.Net;
using System.Net.Http.Json;
using BetterData.Api.Management;
using BetterData.Api.Tests.Infrastructure;

namespace BetterData.Api.Tests.Delivery;

/// <summary>PostgreSQL mode, real processes: deliveries waiting out a backoff survive kill -9 of the only process.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DeliveryDurabilityTests(PostgresFixture postgres)
{
    private const string AdminKey = "bd_admin_delivery_durability_key";

    [Fact]
    public async Task Deliver_ProcessKilledMidBackoff_AllDeliveredAfterRestart_OnlyToMatchingEndpoints_OncePerKey()
    {
        var cs = await postgres.NewDatabaseAsync();
        await using var receiver = (await WebhookReceiver.StartAsync()).Then(500, times: 3);
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = cs,
            ["Admin__ApiKey"] = AdminKey,
            ["Orleans__ClusterId"] = "delivery-" + Guid.NewGuid().ToString("N")[..8],
            ["Delivery__RequireHttps"] = "false",
            ["Delivery__AllowedNetworks__0"] = "127.0.0.0/8",
            // The retry after the first failure is due 20 s (±20 %) later: the process is killed before then.
            ["Delivery__RetrySchedule__0"] = "00:00:00",
            ["Delivery__RetrySchedule__1"] = "00:00:20",
            ["Billing__Plans__free__MaxEndpoints"] = "5",
        };

        string tenantKey;
        string matching;
        string other;
        var first = HostProcess.Start("Api", "delivery-1", environment);
        await using (first)
        {
            await first.WaitReadyAsync(TimeSpan.FromSeconds(90));
            var created = await first.Client(AdminKey).PostAsJsonAsync("/api/tenants", new { name = "Durable", id = "durable" });
            tenantKey = (await created.Content.ReadFromJsonAsync<CreatedTenant>())!.ApiKey;
            var client = first.Client(tenantKey);
            var endpoint = await client.CreateEndpointAsync("durable", receiver.Url, "order.*");
            receiver.Secrets.Add(endpoint.Secret);
            matching = endpoint.Endpoint.Id;
            other = (await client.CreateEndpointAsync("durable", receiver.Url + "?other", "inventory.*")).Endpoint.Id;

            await client.PublishAsync("durable", "order.allocation_succeeded", new { orderId = "o1" }, key: "same");
            await client.PublishAsync("durable", "order.allocation_succeeded", new { orderId = "o1" }, key: "same");
            await client.PublishAsync("durable", "order.allocation_failed", new { orderId = "o2" });
            await client.PublishAsync("durable", "order.allocation_succeeded", new { orderId = "o3" });
            await receiver.WaitForAsync(3);

            // Mid-backoff means each first attempt is recorded with its retry scheduled; the receiver seeing the
            // request is not enough (the attempt record commits after the response), so wait for the log.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while ((await client.DeliveriesAsync("durable", matching)).Items is var items
                && !(items.Count == 3 && items.All(d => d.Status == Grains.Delivery.DeliveryStatus.Retrying && d.Attempts == 1)))
            {
                Assert.True(DateTime.UtcNow < deadline, "The first attempts were not recorded as retrying within 15 s.");
                await Task.Delay(100);
            }

            first.Kill();
        }

        Assert.Equal(3, receiver.Requests.Count);
        await using var second = HostProcess.Start("Api", "delivery-2", environment, samePortsAs: first);
        await second.WaitReadyAsync(TimeSpan.FromSeconds(90));

        // Nothing calls the endpoint grain: the reminder (1 min period) reactivates it and it sends what is due.
        // As above, the attempt records commit after the responses the receiver saw: wait (bounded) for the log.
        await receiver.WaitForAsync(6, within: TimeSpan.FromMinutes(4));
        var recorded = DateTime.UtcNow.AddSeconds(15);
        var log = await second.Client(tenantKey).DeliveriesAsync("durable", matching);
        while (log.Items.Any(d => d.Attempts < 2) && DateTime.UtcNow < recorded)
        {
            await Task.Delay(100);
            log = await second.Client(tenantKey).DeliveriesAsync("durable", matching);
        }

        Assert.Equal(3, log.Items.Count);
        Assert.All(log.Items, d => Assert.Equal(Grains.Delivery.DeliveryStatus.Succeeded, d.Status));
        Assert.All(log.Items, d => Assert.Equal(2, d.Attempts));
        Assert.Empty((await second.Client(tenantKey).DeliveriesAsync("durable", other)).Items);
        Assert.All(receiver.Requests, r => Assert.True(r.StandardValid && r.BetterDataValid));
        Assert.Equal(3, receiver.Requests.Select(r => r.Id).Distinct().Count());
        await Task.Delay(500);
        Assert.Equal(6, receiver.Requests.Count);
    }
}

using System.Net;
using BetterData.Api.Tests.Delivery;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Benchmarks;
using BetterData.Grains.Delivery;
using Xunit.Abstractions;

namespace BetterData.Api.Tests.Faults;

/// <summary>A receiver that is down for a while gets every delivery once it is back, and every failed attempt is in the log.</summary>
public sealed class ReceiverDownTests(ITestOutputHelper output)
{
    private const int Events = 40;

    [Fact]
    public async Task Deliveries_ReceiverDownThenBack_AllSucceed_WithFailedAttemptsLogged()
    {
        await using var receiver = await BenchReceiver.StartAsync();
        receiver.Down = true;
        await using var app = new BetterDataApp(settings: new Dictionary<string, string?>
        {
            // Real time, short schedule: the outage and the retries are real I/O.
            ["Delivery:RetrySchedule:0"] = "00:00:00",
            ["Delivery:RetrySchedule:1"] = "00:00:01",
            ["Delivery:RetrySchedule:2"] = "00:00:02",
            ["Delivery:RetrySchedule:3"] = "00:00:02",
            ["Delivery:RetrySchedule:4"] = "00:00:02",
            ["Delivery:RetrySchedule:5"] = "00:00:02",
            ["Delivery:RetrySchedule:6"] = "00:00:02",
            ["Delivery:RetrySchedule:7"] = "00:00:02",
            ["Delivery:RetrySchedule:8"] = "00:00:02",
            ["Delivery:RetrySchedule:9"] = "00:00:02",
        });
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, new Uri(receiver.Address, "/hook/0").ToString(), "subscription.updated");
        for (var i = 0; i < Events; i++)
        {
            await client.PublishAsync(tenant, "subscription.updated", new { seq = i });
        }

        await WaitUntilAsync(() => receiver.Attempts >= 2 * Events, TimeSpan.FromSeconds(30));
        var failedWhileDown = receiver.Attempts;
        receiver.Down = false;
        var delivered = await receiver.WaitForAsync(Events, TimeSpan.FromSeconds(30));
        var log = await DeliveryLog.ReadAllAsync(client, tenant, endpoint.Endpoint.Id);

        output.WriteLine($"receiver down: deliveries expected {Events}, delivered {delivered}, attempts refused while down {failedWhileDown}, "
            + $"log: {log.Count(d => d.Delivery.Status == DeliveryStatus.Succeeded)} succeeded, attempts per delivery {log.Min(d => d.Attempts.Count)}-{log.Max(d => d.Attempts.Count)}");
        Assert.Equal(Events, delivered);
        Assert.Equal(Events, log.Count);
        Assert.All(log, d =>
        {
            Assert.Equal(DeliveryStatus.Succeeded, d.Delivery.Status);
            Assert.True(d.Attempts.Count >= 2, "at least one failed attempt before the success");
            Assert.Contains(d.Attempts, a => a.StatusCode == (int)HttpStatusCode.ServiceUnavailable && a.ErrorKind == "http_status");
            Assert.Null(d.Attempts[^1].ErrorKind);
        });
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(100);
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Delivery;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Delivery;
using Microsoft.Extensions.Time.Testing;
using Orleans.Core.Internal;

namespace BetterData.Api.Tests.Delivery;

public sealed class OutboundDeliveryTests
{
    [Fact]
    public async Task Deliver_IsCountedInOurMetrics_AndNotAsASeriesPerCustomerHost()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new BetterDataApp();
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url);
        await client.PublishAsync(tenant, "order.allocation_succeeded", new { orderId = "ord_metrics" });
        var deliveryId = await client.OnlyDeliveryIdAsync(tenant, endpoint.Endpoint.Id);
        await client.WaitForAttemptsAsync(tenant, endpoint.Endpoint.Id, deliveryId, 1);

        var metrics = await app.Anonymous().GetStringAsync("/metrics");
        Assert.Contains("betterdata_delivery_attempts_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("betterdata_delivery_duration_milliseconds_bucket{", metrics, StringComparison.Ordinal);
        // .NET's HTTP client metrics would label the attempt with the receiver's address and port.
        var port = $"server_port=\"{new Uri(receiver.Url).Port}\"";
        Assert.DoesNotContain(metrics.Split('\n'), line => line.StartsWith("http_client_", StringComparison.Ordinal) && line.Contains(port, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deliver_FailsThreeTimesThenSucceeds_FollowsScheduleSignsAndLogsEachAttempt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // The first reply's body is longer than an excerpt (and multi-byte): the log keeps its first 4 KiB only.
        var longBody = string.Concat(Enumerable.Repeat("é", 3_000));
        await using var receiver = (await WebhookReceiver.StartAsync()).Then(500, body: longBody).Then(500, times: 2);
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url);
        receiver.Secrets.Add(endpoint.Secret);

        var published = await client.PublishAsync(tenant, "order.allocation_succeeded", new { orderId = "ord_1" });
        var deliveryId = await client.OnlyDeliveryIdAsync(tenant, endpoint.Endpoint.Id);
        await client.WaitForAttemptsAsync(tenant, endpoint.Endpoint.Id, deliveryId, 1);

        // Schedule after the immediate first attempt: 5 s, 5 min, 30 min (each ±20 %).
        TimeSpan[] waits = [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30)];
        for (var i = 0; i < waits.Length; i++)
        {
            var pending = await client.DeliveryAsync(tenant, endpoint.Endpoint.Id, deliveryId);
            var wait = pending.Delivery.NextAttemptAt!.Value - time.GetUtcNow();
            Assert.InRange(wait, waits[i] * 0.79, waits[i] * 1.21);

            await app.ProcessDueAsync(endpoint.Endpoint.Id); // not yet due: nothing is sent
            Assert.Equal(i + 1, receiver.Requests.Count);
            time.Advance(wait);
            await app.ProcessDueAsync(endpoint.Endpoint.Id);
            await client.WaitForAttemptsAsync(tenant, endpoint.Endpoint.Id, deliveryId, i + 2);
        }

        var detail = await client.DeliveryAsync(tenant, endpoint.Endpoint.Id, deliveryId);
        Assert.Equal(DeliveryStatus.Succeeded, detail.Delivery.Status);
        Assert.Equal([500, 500, 500, 200], detail.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.All(detail.Attempts, a => Assert.Equal("scheduled", a.Trigger));
        Assert.Equal(longBody[..(WebhookSender.ExcerptBytes / 2)], detail.Attempts[0].ResponseExcerpt);
        Assert.Equal("reply 500", detail.Attempts[1].ResponseExcerpt);
        Assert.Equal("http_status", detail.Attempts[0].ErrorKind);
        Assert.Null(detail.Attempts[3].ErrorKind);

        Assert.Equal(4, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.True(r.StandardValid && r.BetterDataValid));
        var last = receiver.Requests.Last();
        Assert.Equal(published.Id, last.Id);
        using var body = JsonDocument.Parse(last.Body);
        Assert.Equal(published.Id, body.RootElement.GetProperty("id").GetString());
        Assert.Equal("order.allocation_succeeded", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(tenant, body.RootElement.GetProperty("tenantId").GetString());
        Assert.Equal("ord_1", body.RootElement.GetProperty("data").GetProperty("orderId").GetString());
        Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds().ToString(), last.Timestamp);
    }

    [Fact]
    public async Task Deliver_Gone410_DisablesEndpointAndFailsDelivery()
    {
        await using var receiver = (await WebhookReceiver.StartAsync()).Then(410);
        await using var app = new BetterDataApp(time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url);

        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s1" });
        var deliveryId = await client.OnlyDeliveryIdAsync(tenant, endpoint.Endpoint.Id);
        var detail = await client.WaitForAttemptsAsync(tenant, endpoint.Endpoint.Id, deliveryId, 1);

        var info = await client.GetFromJsonAsync<EndpointInfo>($"/api/tenants/{tenant}/endpoints/{endpoint.Endpoint.Id}", DeliveryTestKit.Json);
        Assert.Equal(410, detail.Attempts[0].StatusCode);
        Assert.Equal(DeliveryStatus.Failed, (await client.DeliveryAsync(tenant, endpoint.Endpoint.Id, deliveryId)).Delivery.Status);
        Assert.False(info!.Enabled);
        Assert.Equal("gone", info.DisabledReason);
    }

    [Fact]
    public async Task Deliver_429WithRetryAfter_WaitsAsLongAsAsked()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = (await WebhookReceiver.StartAsync()).Then(429, retryAfter: "120");
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url);

        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s1" });
        var deliveryId = await client.OnlyDeliveryIdAsync(tenant, endpoint.Endpoint.Id);
        await client.WaitForAttemptsAsync(tenant, endpoint.Endpoint.Id, deliveryId, 1);

        var detail = await client.DeliveryAsync(tenant, endpoint.Endpoint.Id, deliveryId);
        Assert.Equal(DeliveryStatus.Retrying, detail.Delivery.Status);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(120), detail.Delivery.NextAttemptAt);

        time.Advance(TimeSpan.FromSeconds(60)); // past the 5 s schedule step, short of Retry-After
        await app.ProcessDueAsync(endpoint.Endpoint.Id);
        Assert.Single(receiver.Requests);
        time.Advance(TimeSpan.FromSeconds(60));
        await app.ProcessDueAsync(endpoint.Endpoint.Id);
        detail = await client.WaitForAttemptsAsync(tenant, endpoint.Endpoint.Id, deliveryId, 2);
        Assert.Equal(200, detail.Attempts[1].StatusCode);
    }

    [Fact]
    public async Task Deliver_ReceiverTooSlow_IsLoggedAsTimeoutAndRetried()
    {
        await using var receiver = (await WebhookReceiver.StartAsync()).Then(200, delay: TimeSpan.FromSeconds(5));
        await using var app = new BetterDataApp(time: new FakeTimeProvider(DateTimeOffset.UtcNow),
            settings: new Dictionary<string, string?> { ["Delivery:AttemptTimeout"] = "00:00:00.500" });
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url);

        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s1" });
        var deliveryId = await client.OnlyDeliveryIdAsync(tenant, endpoint.Endpoint.Id);
        var detail = await client.WaitForAttemptsAsync(tenant, endpoint.Endpoint.Id, deliveryId, 1);

        Assert.Equal("timeout", detail.Attempts[0].ErrorKind);
        Assert.Null(detail.Attempts[0].StatusCode);
        Assert.Equal(DeliveryStatus.Retrying, (await client.DeliveryAsync(tenant, endpoint.Endpoint.Id, deliveryId)).Delivery.Status);
    }

    [Fact]
    public async Task Deliver_ConnectionRefused_IsLoggedAsConnectionErrorAndRetried()
    {
        await using var app = new BetterDataApp(time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, $"http://127.0.0.1:{FreePort.Next()}/nobody-home");

        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s1" });
        var deliveryId = await client.OnlyDeliveryIdAsync(tenant, endpoint.Endpoint.Id);
        var detail = await client.WaitForAttemptsAsync(tenant, endpoint.Endpoint.Id, deliveryId, 1);

        Assert.Equal("connection", detail.Attempts[0].ErrorKind);
        Assert.Equal(DeliveryStatus.Retrying, (await client.DeliveryAsync(tenant, endpoint.Endpoint.Id, deliveryId)).Delivery.Status);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.20.30.40/hook")]
    [InlineData("http://100.64.0.1/hook")]
    [InlineData("http://[fd00:ec2::254]/hook")]
    public async Task Deliver_NonPublicAddressNotAllowListed_IsRefusedAtConnect(string url)
    {
        await using var app = new BetterDataApp(time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        var (tenant, client) = await app.CreateTenantAsync();

        // Stored past the API's registration check (as a URL stored before it, or one whose name now resolves to
        // such an address would be): the connect-time check must refuse it on its own.
        var created = await app.Grains.GetGrain<IEndpointRegistryGrain>(tenant).CreateEndpointAsync(
            new EndpointSpec(url, null, [], true, new Dictionary<string, string>(), null));
        var endpointId = created.Endpoint!.Id;

        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s1" });
        var deliveryId = await client.OnlyDeliveryIdAsync(tenant, endpointId);
        var detail = await client.WaitForAttemptsAsync(tenant, endpointId, deliveryId, 1);

        Assert.Equal("ssrf_refused", detail.Attempts[0].ErrorKind);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://172.16.0.1/hook")] // private, just outside the allow list
    [InlineData("http://0x0a.1/hook")] // 10.0.0.1 in hex: the URL parser's canonical form is what is checked
    [InlineData("http://[fd00:ec2::254]/hook")]
    [InlineData("http://[::ffff:192.168.1.1]/hook")]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("http://api.localhost/hook")]
    public async Task RegisterEndpoint_NonPublicAddressNotAllowListed_Is400AndCreatesNothing(string url)
    {
        // Only 172.20.0.0/16 is allowed here (in place of the tests' usual 127.0.0.0/8), so localhost is refused too.
        await using var app = new BetterDataApp(time: new FakeTimeProvider(DateTimeOffset.UtcNow),
            settings: new Dictionary<string, string?> { ["Delivery:AllowedNetworks:0"] = "172.20.0.0/16" });
        var (tenant, client) = await app.CreateTenantAsync();

        var create = await client.PostAsJsonAsync($"/api/tenants/{tenant}/endpoints", new { url });
        var merchant = await client.PutAsJsonAsync($"/api/tenants/{tenant}/merchants/m1/webhook", new { webhookUrl = url });

        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Contains("not a public address", await create.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, merchant.StatusCode);
        Assert.Empty(await client.GetFromJsonAsync<List<EndpointInfo>>($"/api/tenants/{tenant}/endpoints", DeliveryTestKit.Json) ?? []);
    }

    [Theory]
    [InlineData("http://172.20.1.5/hook")] // private, but inside the allow list
    [InlineData("http://203.0.113.5/hook")] // not private: nothing to refuse
    [InlineData("http://hooks.example.com/hook")] // a name: resolved and checked at connect time
    public async Task RegisterEndpoint_PublicOrAllowListedAddress_IsCreated(string url)
    {
        await using var app = new BetterDataApp(time: new FakeTimeProvider(DateTimeOffset.UtcNow),
            settings: new Dictionary<string, string?> { ["Delivery:AllowedNetworks:0"] = "172.20.0.0/16" });
        var (tenant, client) = await app.CreateTenantAsync();

        var endpoint = await client.CreateEndpointAsync(tenant, url);

        Assert.Equal(url, endpoint.Endpoint.Url);
    }

    [Fact]
    public async Task Deliver_RealTimers_RetryWithoutHelp()
    {
        await using var receiver = (await WebhookReceiver.StartAsync()).Then(503);
        await using var app = new BetterDataApp(settings: new Dictionary<string, string?>
        {
            ["Delivery:RetrySchedule:0"] = "00:00:00",
            ["Delivery:RetrySchedule:1"] = "00:00:01",
        });
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url);
        receiver.Secrets.Add(endpoint.Secret);

        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s1" });
        var deliveryId = await client.OnlyDeliveryIdAsync(tenant, endpoint.Endpoint.Id);
        var detail = await client.WaitForAttemptsAsync(tenant, endpoint.Endpoint.Id, deliveryId, 2);

        Assert.Equal([503, 200], detail.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.All(receiver.Requests, r => Assert.True(r.StandardValid && r.BetterDataValid));
    }

    [Fact]
    public async Task RateLimit_NoOneSecondWindowSeesMoreSendsThanTheLimit_HeldDeliveriesGoAsItFrees()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();
        var response = await client.PostAsJsonAsync($"/api/tenants/{tenant}/endpoints", new { url = receiver.Url, rateLimitPerSecond = 2 });
        var endpoint = (await response.Content.ReadFromJsonAsync<CreatedEndpoint>(DeliveryTestKit.Json))!;
        receiver.Secrets.Add(endpoint.Secret);
        var endpointId = endpoint.Endpoint.Id;

        // t0: one send. t0 + 0.9 s: four more published, one fits (two in the last second), three wait.
        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s1" });
        await receiver.WaitForAsync(1);
        time.Advance(TimeSpan.FromMilliseconds(900));
        for (var i = 2; i <= 5; i++)
        {
            await client.PublishAsync(tenant, "checkout.completed", new { sessionId = $"s{i}" });
        }

        await StaysAtAsync(2);

        // t0 + 1.0 s: the t0 send leaves the window, so one more goes (a fixed window restarting here would let two).
        time.Advance(TimeSpan.FromMilliseconds(100));
        await StaysAtAsync(3);

        // t0 + 1.9 s: the t0 + 0.9 s send leaves; t0 + 2.0 s: the t0 + 1.0 s one does.
        time.Advance(TimeSpan.FromMilliseconds(900));
        await StaysAtAsync(4);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await StaysAtAsync(5);

        // Held back is not an attempt: each delivery has exactly one, its success.
        var page = await client.DeliveriesAsync(tenant, endpointId);
        Assert.Equal(5, page.Items.Count);
        foreach (var delivery in page.Items)
        {
            var detail = await client.WaitForAttemptsAsync(tenant, endpointId, delivery.Id, 1);
            Assert.Equal(DeliveryStatus.Succeeded, detail.Delivery.Status);
            Assert.Equal(200, Assert.Single(detail.Attempts).StatusCode);
        }

        Assert.Equal(5, receiver.Requests.Select(r => r.Id).Distinct().Count());

        // The receiver reaches the count, and after every recorded attempt, a wake-up and a pause it is still there.
        async Task StaysAtAsync(int count)
        {
            await app.ProcessDueAsync(endpointId);
            await receiver.WaitForAsync(count);
            foreach (var delivery in (await client.DeliveriesAsync(tenant, endpointId)).Items.Where(d => d.Status != DeliveryStatus.Pending))
            {
                await client.WaitForAttemptsAsync(tenant, endpointId, delivery.Id, 1);
            }

            await app.ProcessDueAsync(endpointId);
            await Task.Delay(TimeSpan.FromMilliseconds(300)); // real time: the clock is fake, so a correct limit sends nothing here
            Assert.Equal(count, receiver.Requests.Count);
        }
    }

    [Fact]
    public async Task SendOutlivingItsActivation_IsRecordedThroughTheNextOne_AndNothingIsSentTwice()
    {
        var release = new TaskCompletionSource();
        await using var receiver = (await WebhookReceiver.StartAsync()).ThenHeld(release.Task);
        await using var app = new BetterDataApp(time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url);
        receiver.Secrets.Add(endpoint.Secret);
        var endpointId = endpoint.Endpoint.Id;

        // The send is in flight (its reply held) when its endpoint's activation is deactivated: a send is not a
        // request, so nothing waits for it. Its outcome arrives after, and must still be recorded.
        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s1" });
        await receiver.WaitForAsync(1);
        await app.Grains.GetGrain<IEndpointDeliveryGrain>(endpointId).AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(TimeSpan.FromMilliseconds(200)); // let the deactivation run (the assertions hold either way)
        release.SetResult();

        var deliveryId = await client.OnlyDeliveryIdAsync(tenant, endpointId);
        var detail = await client.WaitForAttemptsAsync(tenant, endpointId, deliveryId, 1);
        Assert.Equal(DeliveryStatus.Succeeded, detail.Delivery.Status);
        Assert.Equal(200, Assert.Single(detail.Attempts).StatusCode);

        // The activation that replaced it delivers the next one, and the first is not sent again.
        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s2" });
        await receiver.WaitForAsync(2);
        await app.ProcessDueAsync(endpointId);
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal(2, receiver.Requests.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task Publish_SameIdempotencyKeyTwice_OneDeliveryPerMatchingEndpointOnly()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new BetterDataApp(time: new FakeTimeProvider(DateTimeOffset.UtcNow),
            settings: new Dictionary<string, string?> { ["Billing:Plans:free:MaxEndpoints"] = "5" });
        var (tenant, client) = await app.CreateTenantAsync();
        var orders = await client.CreateEndpointAsync(tenant, receiver.Url + "?orders", "order.*");
        var exact = await client.CreateEndpointAsync(tenant, receiver.Url + "?exact", "order.allocation_succeeded");
        var inventory = await client.CreateEndpointAsync(tenant, receiver.Url + "?inventory", "inventory.out_of_stock");

        var first = await client.PublishAsync(tenant, "order.allocation_succeeded", new { orderId = "o1" }, key: "k-1");
        var second = await client.PublishAsync(tenant, "order.allocation_succeeded", new { orderId = "o1" }, key: "k-1");

        Assert.Equal(first.Id, second.Id);
        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(2, first.Deliveries);
        Assert.Single((await client.DeliveriesAsync(tenant, orders.Endpoint.Id)).Items);
        Assert.Single((await client.DeliveriesAsync(tenant, exact.Endpoint.Id)).Items);
        Assert.Empty((await client.DeliveriesAsync(tenant, inventory.Endpoint.Id)).Items);
        await receiver.WaitForAsync(2);
        await Task.Delay(300); // a third request would be a duplicate; give it a moment to (not) arrive
        Assert.Equal(2, receiver.Requests.Count);
        Assert.DoesNotContain(receiver.Requests, r => r.Headers.ContainsKey("x-inventory"));
    }

    [Fact]
    public async Task RotateSecret_BothSecretsSignFor24Hours()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url);

        var rotated = await (await client.PostAsync($"/api/tenants/{tenant}/endpoints/{endpoint.Endpoint.Id}/rotate-secret", null))
            .Content.ReadFromJsonAsync<Api.Delivery.RotatedSecret>(DeliveryTestKit.Json);
        receiver.Secrets.Add(endpoint.Secret); // a receiver that has not rolled over yet
        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s1" });
        var during = await receiver.WaitForAsync(1);

        receiver.Secrets.Clear();
        receiver.Secrets.Add(rotated!.Secret); // rolled over
        time.Advance(TimeSpan.FromHours(25));
        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s2" });
        var after = await receiver.WaitForAsync(2);

        Assert.NotEqual(endpoint.Secret, rotated.Secret);
        Assert.Equal(2, during.Signature.Split(' ').Count(s => s.StartsWith("v1,", StringComparison.Ordinal)));
        Assert.True(during.StandardValid && during.BetterDataValid);
        Assert.Single(after.Signature.Split(' '));
        Assert.True(after.StandardValid && after.BetterDataValid);
    }

    [Fact]
    public async Task CreateEndpoint_OverPlanLimit_Is403NamingTheCapability()
    {
        await using var app = new BetterDataApp();
        var (tenant, client) = await app.CreateTenantAsync();
        await client.CreateEndpointAsync(tenant, "https://example.com/a");

        var response = await client.PostAsJsonAsync($"/api/tenants/{tenant}/endpoints", new { url = "https://example.com/b" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("max_endpoints", problem.GetProperty("capability").GetString());
    }

    [Fact]
    public async Task Publish_WithOutboundRevokedByPlan_Is403NamingTheCapability()
    {
        await using var app = new BetterDataApp(settings: new Dictionary<string, string?> { ["Billing:Plans:free:OutboundWebhooks"] = "false" });
        var (tenant, client) = await app.CreateTenantAsync();

        var response = await client.PostAsJsonAsync($"/api/tenants/{tenant}/events", new { type = "checkout.completed", data = new { orderId = "o1" } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("outbound_webhooks", problem.GetProperty("capability").GetString());
    }

    [Fact]
    public async Task EventTypes_AnonymousCatalog_AndUnknownTypeOnPublish_Is400()
    {
        await using var app = new BetterDataApp();
        var (tenant, client) = await app.CreateTenantAsync();

        var catalog = await app.Anonymous().GetFromJsonAsync<JsonElement>("/api/event-types");
        var unknown = await client.PostAsJsonAsync($"/api/tenants/{tenant}/events", new { type = "nope.nothing", data = new { } });

        Assert.Contains(catalog.EnumerateArray(), e => e.GetProperty("name").GetString() == "inventory.out_of_stock");
        Assert.All(catalog.EnumerateArray(), e => Assert.Equal(JsonValueKind.Object, e.GetProperty("example").ValueKind));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    // Publishing caches which endpoints match a type; every endpoint change must show in the very next publish.
    [Fact]
    public async Task Publish_FollowsEveryEndpointChange_InTheNextPublish()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new BetterDataApp(settings: new Dictionary<string, string?> { ["Billing:Plans:free:MaxEndpoints"] = "5" });
        var (tenant, client) = await app.CreateTenantAsync();
        const string Type = "order.allocation_succeeded";

        Assert.Equal(0, (await client.PublishAsync(tenant, Type, new { n = 0 })).Deliveries);
        var a = await client.CreateEndpointAsync(tenant, receiver.Url, "order.*");
        Assert.Equal(1, (await client.PublishAsync(tenant, Type, new { n = 1 })).Deliveries);
        var b = await client.CreateEndpointAsync(tenant, receiver.Url, Type);
        Assert.Equal(2, (await client.PublishAsync(tenant, Type, new { n = 2 })).Deliveries);

        (await client.PatchAsJsonAsync($"/api/tenants/{tenant}/endpoints/{b.Endpoint.Id}", new { eventTypes = new[] { "checkout.completed" } })).EnsureSuccessStatusCode();
        Assert.Equal(1, (await client.PublishAsync(tenant, Type, new { n = 3 })).Deliveries);
        Assert.Equal(1, (await client.PublishAsync(tenant, "checkout.completed", new { n = 4 })).Deliveries);

        (await client.DeleteAsync($"/api/tenants/{tenant}/endpoints/{a.Endpoint.Id}")).EnsureSuccessStatusCode();
        Assert.Equal(0, (await client.PublishAsync(tenant, Type, new { n = 5 })).Deliveries);

        // A change that never reports its end (its registry died half-way) leaves publishing correct: caching stays off.
        var events = app.Grains.GetGrain<BetterData.Grains.Events.ITenantEventsGrain>(tenant);
        await events.PublishingRulesChangingAsync();
        Assert.Equal(0, (await client.PublishAsync(tenant, Type, new { n = 6 })).Deliveries);
        (await client.PatchAsJsonAsync($"/api/tenants/{tenant}/endpoints/{b.Endpoint.Id}", new { eventTypes = new[] { Type } })).EnsureSuccessStatusCode();
        Assert.Equal(1, (await client.PublishAsync(tenant, Type, new { n = 7 })).Deliveries);
    }
}

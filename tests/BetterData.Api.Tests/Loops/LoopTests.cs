using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Tests.Billing;
using BetterData.Api.Tests.Commerce;
using BetterData.Api.Tests.Delivery;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Events;

namespace BetterData.Api.Tests.Loops;

public sealed class LoopTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    // The free plan with a commitment of 5 units, so that a handful of transitions reach 80 % and 100 %.
    private static readonly Dictionary<string, string?> SmallCommitment = new()
    {
        ["Billing:Plans:free:MaxEndpoints"] = "1",
        ["Billing:Plans:free:OutboundWebhooks"] = "true",
        ["Billing:Plans:free:MonthlyEventQuota"] = "10000",
        ["Billing:Plans:free:LoopCommitmentUnits"] = "5",
    };

    [Fact]
    public async Task Transitions_OrdersAndProcurement_PublishEachOnce_AndCommitmentThresholdsOncePerPeriod()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new BetterDataApp(settings: SmallCommitment);
        var shop = await CommerceClient.CreateAsync(app);
        var client = shop.Tenant;
        var tenant = shop.TenantId;
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url, EventTypes.LoopTransitioned, EventTypes.LoopCommitmentThresholdReached);
        receiver.Secrets.Add(endpoint.Secret);

        // The orders loop is fed by the order grain: created -> allocated (2 units).
        await shop.ShopifyAsync("products/create", CommerceClient.Product(1, "Pen", T0, (11, "PEN", 111)));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 10, T0));
        var order = new { id = 7001, created_at = T0.ToString("O"), line_items = new[] { new { product_id = 1, variant_id = 11, sku = "PEN", quantity = 1 } } };
        (await shop.ShopifyAsync("orders/create", order)).EnsureSuccessStatusCode();
        (await shop.ShopifyAsync("orders/create", order)).EnsureSuccessStatusCode(); // a redelivery: no new transitions
        var orderLoop = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/loops/orders/7001");
        Assert.Equal("allocated", orderLoop.GetProperty("state").GetString());
        Assert.Equal(2, orderLoop.GetProperty("history").GetArrayLength());

        // Procurement through the API: illegal jumps answer 409 naming from and to; a repeat answers 200 and counts nothing.
        Assert.Equal(HttpStatusCode.OK, (await TransitionAsync(client, tenant, "procurement", "po-1", "requested")).StatusCode);
        var illegal = await TransitionAsync(client, tenant, "procurement", "po-1", "shipped");
        Assert.Equal(HttpStatusCode.Conflict, illegal.StatusCode);
        var problem = await illegal.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("requested", problem.GetProperty("from").GetString());
        Assert.Equal("shipped", problem.GetProperty("to").GetString());
        Assert.Equal(HttpStatusCode.OK, (await TransitionAsync(client, tenant, "procurement", "po-1", "approved")).StatusCode); // 4 units: 80 %
        var repeat = await TransitionAsync(client, tenant, "procurement", "po-1", "approved");
        Assert.Equal("duplicate", (await repeat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await TransitionAsync(client, tenant, "procurement", "po-1", "ordered")).StatusCode); // 5: 100 %
        Assert.Equal(HttpStatusCode.OK, (await TransitionAsync(client, tenant, "orders", "7001", "completed")).StatusCode); // 6: nothing new

        // Bad inputs: unknown loop, unknown state, a platform-only state.
        Assert.Equal(HttpStatusCode.NotFound, (await TransitionAsync(client, tenant, "shipping", "x", "requested")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await TransitionAsync(client, tenant, "returns", "r-1", "teleported")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await TransitionAsync(client, tenant, "orders", "7002", "allocated")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await TransitionAsync(client, tenant, "returns", "r-1", "refunded")).StatusCode);

        var usage = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/loops/usage");
        Assert.Equal(6, usage.GetProperty("used").GetInt64());
        Assert.Equal(5, usage.GetProperty("committed").GetInt64());

        await receiver.WaitForAsync(8);
        await Task.Delay(200); // nothing more may arrive
        var events = receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.All(receiver.Requests, r => Assert.True(r.StandardValid && r.BetterDataValid));
        var transitions = events.Where(e => e.GetProperty("type").GetString() == EventTypes.LoopTransitioned)
            .Select(e => e.GetProperty("data")).Select(d => $"{d.GetProperty("loop").GetString()}:{d.GetProperty("entityId").GetString()}:{d.GetProperty("from").GetString()}>{d.GetProperty("to").GetString()}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["orders:7001:allocated>completed", "orders:7001:created>allocated", "orders:7001:none>created",
             "procurement:po-1:approved>ordered", "procurement:po-1:none>requested", "procurement:po-1:requested>approved"],
            transitions);
        var thresholds = events.Where(e => e.GetProperty("type").GetString() == EventTypes.LoopCommitmentThresholdReached)
            .Select(e => e.GetProperty("data").GetProperty("percent").GetInt32()).Order().ToList();
        Assert.Equal([80, 100], thresholds);

        var log = await client.DeliveriesAsync(tenant, endpoint.Endpoint.Id, "?eventType=" + EventTypes.LoopCommitmentThresholdReached);
        Assert.Equal(2, log.Items.Count);
        Assert.Equal(6, (await client.DeliveriesAsync(tenant, endpoint.Endpoint.Id, "?eventType=" + EventTypes.LoopTransitioned)).Items.Count);
    }

    [Fact]
    public async Task Commitment_NewBillingPeriod_CountsFromZeroAndAnnouncesAgain()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0);
        await using var app = new BetterDataApp(time: time, settings: SmallCommitment);
        var (tenant, client) = await app.CreateTenantAsync();
        for (var i = 0; i < 5; i++)
        {
            (await TransitionAsync(client, tenant, "quality", $"q-{i}", "reported")).EnsureSuccessStatusCode();
        }

        var usage = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/loops/usage");
        Assert.Equal(5, usage.GetProperty("used").GetInt64());
        Assert.Equal(2, usage.GetProperty("thresholdsReached").GetArrayLength());

        time.Advance(TimeSpan.FromDays(31)); // no Stripe period yet: the calendar month
        (await TransitionAsync(client, tenant, "quality", "q-0", "investigating")).EnsureSuccessStatusCode();
        usage = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/loops/usage");
        Assert.Equal(1, usage.GetProperty("used").GetInt64());
        Assert.Equal(0, usage.GetProperty("thresholdsReached").GetArrayLength());
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), usage.GetProperty("periodStart").GetDateTimeOffset());
    }

    [Fact]
    public async Task Commitment_StripeSubscription_CountsInItsCurrentPeriodWithThePlansUnits()
    {
        var now = DateTimeOffset.UtcNow;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new BetterDataApp(time: time, settings: new Dictionary<string, string?>
        {
            ["Billing:Plans:starter:MaxEndpoints"] = "5",
            ["Billing:Plans:starter:OutboundWebhooks"] = "true",
            ["Billing:Plans:starter:MonthlyEventQuota"] = "100000",
            ["Billing:Plans:starter:LoopCommitmentUnits"] = "2",
        });
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url, EventTypes.LoopCommitmentThresholdReached);
        receiver.Secrets.Add(endpoint.Secret);
        var periodStart = DateTimeOffset.FromUnixTimeSeconds((now - TimeSpan.FromDays(10)).ToUnixTimeSeconds());
        var json = StripeEvents.Subscription("evt_sub", "customer.subscription.created", periodStart, "sub_1", "cus_1", tenantId: tenant);
        (await app.Anonymous().PostAsync(json, StripeEvents.Sign(json, now))).EnsureSuccessStatusCode();

        (await TransitionAsync(client, tenant, "returns", "r-1", "requested")).EnsureSuccessStatusCode(); // 1 of 2: 50 %
        (await TransitionAsync(client, tenant, "returns", "r-1", "authorized")).EnsureSuccessStatusCode(); // 2 of 2: 80 % and 100 %
        (await TransitionAsync(client, tenant, "returns", "r-1", "received")).EnsureSuccessStatusCode(); // over: nothing new

        var usage = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/loops/usage");
        Assert.Equal(periodStart, usage.GetProperty("periodStart").GetDateTimeOffset());
        Assert.Equal(periodStart.AddDays(30), usage.GetProperty("periodEnd").GetDateTimeOffset());
        Assert.Equal(3, usage.GetProperty("used").GetInt64());
        Assert.Equal(2, usage.GetProperty("committed").GetInt64());
        await receiver.WaitForAsync(2);
        await Task.Delay(200);
        var reached = receiver.Requests.DistinctBy(r => r.Id).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data")).ToList();
        Assert.Equal([80, 100], reached.Select(d => d.GetProperty("percent").GetInt32()).Order());
        Assert.All(reached, d => Assert.Equal(periodStart, d.GetProperty("periodStart").GetDateTimeOffset()));
    }

    private static Task<HttpResponseMessage> TransitionAsync(HttpClient client, string tenant, string loop, string entityId, string to) =>
        client.PostAsJsonAsync($"/api/tenants/{tenant}/loops/{loop}/{entityId}/transitions", new { to });
}

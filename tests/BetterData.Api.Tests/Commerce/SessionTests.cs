using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BetterData.Api.Tests.Commerce;

public sealed class SessionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task InventoryToZero_AlertsInterestedActiveSessions_AndNoOthers()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app);
        await shop.ShopifyAsync("products/create", CommerceClient.Product(1, "Kettle", T0, (11, "KET", 111)));
        await shop.ShopifyAsync("products/create", CommerceClient.Product(2, "Toaster", T0, (21, "TOA", 211)));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 2, T0));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(211, 1, 2, T0));
        var interested = await shop.StartSessionAsync("1");
        var other = await shop.StartSessionAsync("2");
        var completed = await shop.StartSessionAsync("1");
        var order = new
        {
            id = 77,
            created_at = T0.ToString("O"),
            line_items = new[] { new { product_id = 2, variant_id = 21, sku = "TOA", quantity = 1 } },
            note_attributes = new[] { new { name = "sessionId", value = completed } },
        };
        await shop.ShopifyAsync("orders/create", order);

        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 0, T0.AddMinutes(1)));

        Assert.Equal(1, await shop.AlertCountAsync(interested));
        Assert.Equal(0, await shop.AlertCountAsync(other));
        Assert.Equal(0, await shop.AlertCountAsync(completed));
        var done = await shop.SessionAsync(completed);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("77", done.GetProperty("orderId").GetString());
        var refused = await shop.Tenant.PostAsJsonAsync($"/api/tenants/{shop.TenantId}/sessions/{completed}/interests", new { productIds = new[] { "2" } });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
    }

    // An idle stream sends keep-alive comments (every 300 ms here; 15 s by default), and an alert still arrives after them.
    [Fact]
    public async Task AlertStream_KeepsIdleConnectionAlive_AndDeliversOutOfStockAlertLive()
    {
        await using var app = new BetterDataApp(settings: new Dictionary<string, string?> { ["Sessions:KeepAliveInterval"] = "00:00:00.300" });
        var shop = await CommerceClient.CreateAsync(app);
        await shop.ShopifyAsync("products/create", CommerceClient.Product(1, "Kettle", T0, (11, "KET", 111)));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 1, T0));
        var session = await shop.StartSessionAsync("1");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await shop.Tenant.GetAsync($"/api/tenants/{shop.TenantId}/sessions/{session}/alerts/stream",
            HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        async Task<string> LineAsync() => await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("stream ended");

        // Two comments, each a block of its own, and nothing else while no alert exists.
        Assert.Equal([": keep-alive", "", ": keep-alive", ""], [await LineAsync(), await LineAsync(), await LineAsync(), await LineAsync()]);

        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 0, T0.AddMinutes(1)));
        var lines = new List<string>();
        while (!lines.Any(l => l.StartsWith("data:", StringComparison.Ordinal)) || lines[^1].Length > 0)
        {
            var line = await LineAsync();
            if (!line.StartsWith(':'))
            {
                lines.Add(line);
            }
        }

        Assert.Contains("event: inventory.out_of_stock", lines);
        Assert.Contains("id: 1", lines);
        var data = JsonDocument.Parse(lines.Single(l => l.StartsWith("data:", StringComparison.Ordinal))["data:".Length..]).RootElement;
        Assert.Equal("1", data.GetProperty("productId").GetString());
    }

    // The stream's long poll: an idle wait answers empty when its time is up; a stored alert answers a waiting call at once.
    [Fact]
    public async Task AlertWait_AnswersEmptyWhenIdle_AndAtOnceWhenAnAlertIsStored()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app);
        await shop.ShopifyAsync("products/create", CommerceClient.Product(1, "Kettle", T0, (11, "KET", 111)));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 1, T0));
        var session = app.Grains.GetGrain<BetterData.Grains.Sessions.ISessionGrain>(await shop.StartSessionAsync("1"));

        Assert.Empty(await session.WaitForAlertsAsync(0, TimeSpan.FromMilliseconds(200)));
        var waiting = session.WaitForAlertsAsync(0, TimeSpan.FromSeconds(20));
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 0, T0.AddMinutes(1)));
        var alert = Assert.Single(await waiting);
        Assert.Equal("1", alert.ProductId);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"answered after {started.Elapsed}");
        Assert.Single(await session.WaitForAlertsAsync(0, TimeSpan.FromSeconds(20))); // already there: no wait
    }

    [Fact]
    public async Task BetterDataCheckoutCompleted_CompletesSession_VerifiesSignature_AndDedupes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new BetterDataApp(time: time);
        var shop = await CommerceClient.CreateAsync(app);
        var session = await shop.StartSessionAsync();
        var evt = new { id = "evt_1", type = "checkout.completed", data = new { tenantId = shop.TenantId, sessionId = session, orderId = "ord_9" } };

        Assert.Equal(HttpStatusCode.Forbidden, (await shop.BetterDataAsync(evt, time.GetUtcNow(), secret: "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await shop.BetterDataAsync(evt, time.GetUtcNow().AddMinutes(-6))).StatusCode);
        Assert.Equal("active", (await shop.SessionAsync(session)).GetProperty("status").GetString());

        var accepted = await shop.BetterDataAsync(evt, time.GetUtcNow().AddMinutes(-4));
        var duplicate = await shop.BetterDataAsync(evt, time.GetUtcNow());
        var malformed = await shop.BetterDataAsync(new { id = "evt_2", type = "checkout.completed", data = new { tenantId = shop.TenantId } }, time.GetUtcNow());

        Assert.Equal("accepted", (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
        Assert.Equal("duplicate", (await duplicate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var view = await shop.SessionAsync(session);
        Assert.Equal("completed", view.GetProperty("status").GetString());
        Assert.Equal("ord_9", view.GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task IdleSession_Expires_AndGetsNoAlerts()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new BetterDataApp(time: time, settings: new Dictionary<string, string?> { ["Commerce:SessionIdleTimeout"] = "00:10:00" });
        var shop = await CommerceClient.CreateAsync(app);
        await shop.ShopifyAsync("products/create", CommerceClient.Product(1, "Kettle", T0, (11, "KET", 111)));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 1, T0));
        var session = await shop.StartSessionAsync("1");

        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal("active", (await shop.SessionAsync(session)).GetProperty("status").GetString());
        time.Advance(TimeSpan.FromMinutes(2));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 0, T0.AddMinutes(1)));

        Assert.Equal("expired", (await shop.SessionAsync(session)).GetProperty("status").GetString());
        Assert.Equal(0, await shop.AlertCountAsync(session));
    }

    [Fact]
    public async Task Session_OfAnotherTenant_IsNotFound()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app);
        var session = await shop.StartSessionAsync();
        var (otherId, other) = await app.CreateTenantAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/tenants/{otherId}/sessions/{session}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await other.PostAsJsonAsync($"/api/tenants/{otherId}/sessions", new { sessionId = session })).StatusCode);
    }
}

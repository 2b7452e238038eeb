using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BetterData.Api.Tests.Commerce;
using BetterData.Api.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static BetterData.Api.Tests.BadInput.BadInputRunner;

namespace BetterData.Api.Tests.BadInput;

/// <summary>Shopify, Square and Better Data routes: every hostile input gets its documented status and changes no state.</summary>
public sealed class CommerceBadInputTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ShopifyRoute_HostileInputs_GetDocumentedStatus_AndChangeNothing()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app);
        var chair = JsonSerializer.Serialize(CommerceClient.Product(9, "Chair", T0, (91, "CH-1", 901)));
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().SendAsync(Shopify(chair, "evt-chair"))).StatusCode);
        var renamed = JsonSerializer.Serialize(CommerceClient.Product(9, "Renamed", T0.AddDays(1), (91, "CH-1", 901)));
        var older = JsonSerializer.Serialize(CommerceClient.Product(9, "Older", T0.AddDays(-1), (91, "CH-1", 901)));

        var cases = new BadRequestCase[]
        {
            new("no signature", HttpStatusCode.Forbidden, () => Shopify(renamed, "e1", signature: "")),
            new("wrong signature", HttpStatusCode.Forbidden, () => Shopify(renamed, "e2", signature: CommerceClient.Base64Hmac(CommerceClient.ShopifySecret, chair))),
            new("wrong secret", HttpStatusCode.Forbidden, () => Shopify(renamed, "e3", secret: "shpss_not_ours")),
            new("stale (older updated_at)", HttpStatusCode.OK, () => Shopify(older, "e4")),
            new("replayed id, new body", HttpStatusCode.OK, () => Shopify(renamed, "evt-chair")),
            new("malformed JSON", HttpStatusCode.BadRequest, () => Shopify("{\"id\":9,\"title\":", "e5")),
            new("truncated body, signed whole", HttpStatusCode.Forbidden, () => Shopify(renamed[..20], "e6", signature: CommerceClient.Base64Hmac(CommerceClient.ShopifySecret, renamed))),
            new("truncated body, signed as sent", HttpStatusCode.BadRequest, () => Shopify(renamed[..20], "e7")),
            new("body over the limit", HttpStatusCode.RequestEntityTooLarge, () => Shopify(OverLimit, "e8")),
            new("wrong content type", HttpStatusCode.UnsupportedMediaType, () => Shopify(renamed, "e9", contentType: "text/plain")),
            new("unknown shop", HttpStatusCode.Forbidden, () => Shopify(renamed, "e10", shop: "other.myshopify.com")),
            new("unknown topic", HttpStatusCode.OK, () => Shopify("{\"id\":1}", "e11", topic: "customers/create")),
            new("title is a number", HttpStatusCode.BadRequest, () => Shopify(renamed.Replace("\"Renamed\"", "123", StringComparison.Ordinal), "e12")),
            new("updated_at is not a date", HttpStatusCode.BadRequest, () => Shopify(renamed.Replace("2026-11-02", "tomorrow-", StringComparison.Ordinal), "e13")),
            new("huge string, unhandled topic", HttpStatusCode.OK, () => Shopify($"{{\"note\":\"{Huge}\"}}", "e14", topic: "customers/create")),
            new("deep nesting", HttpStatusCode.BadRequest, () => Shopify("{\"id\":9,\"title\":\"Deep\",\"x\":" + Deep() + "}", "e15")),
        };

        await AssertAllAsync(app.Anonymous(), cases, async () =>
            await shop.Tenant.GetStringAsync($"/api/tenants/{shop.TenantId}/products/9") + await shop.Tenant.GetStringAsync($"/api/tenants/{shop.TenantId}/products?q="));
    }

    [Fact]
    public async Task SquareRoute_HostileInputs_GetDocumentedStatus_AndChangeNothing()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app, squareMerchant: "M1");
        var counts = Square("inventory.count.updated", "sq-1", """{"object":{"inventory_counts":[{"catalog_object_id":"V1","location_id":"L1","state":"IN_STOCK","quantity":"5","calculated_at":"2026-11-01T12:00:00Z"}]}}""");

        var cases = new BadRequestCase[]
        {
            new("no signature", HttpStatusCode.Forbidden, () => SquarePost(counts, signature: "")),
            new("wrong signature", HttpStatusCode.Forbidden, () => SquarePost(counts, signature: CommerceClient.Base64Hmac(CommerceClient.SquareKey, counts))),
            new("wrong key", HttpStatusCode.Forbidden, () => SquarePost(counts, key: "not_the_key")),
            new("unknown merchant", HttpStatusCode.Forbidden, () => SquarePost(counts.Replace("\"M1\"", "\"M2\"", StringComparison.Ordinal))),
            new("malformed JSON", HttpStatusCode.BadRequest, () => SquarePost("{\"merchant_id\":")),
            new("truncated body, signed whole", HttpStatusCode.BadRequest, () => SquarePost(counts[..30], signature: CommerceClient.Base64Hmac(CommerceClient.SquareKey, CommerceClient.SquareUrl + counts))),
            new("body over the limit", HttpStatusCode.RequestEntityTooLarge, () => SquarePost(OverLimit)),
            new("wrong content type", HttpStatusCode.UnsupportedMediaType, () => SquarePost(counts, contentType: "text/plain")),
            new("unknown event type", HttpStatusCode.OK, () => SquarePost(Square("loyalty.account.created", "sq-2", "{}"))),
            new("no event_id", HttpStatusCode.BadRequest, () => SquarePost(counts.Replace("\"event_id\":\"sq-1\"", "\"event_id\":null", StringComparison.Ordinal))),
            new("inventory_counts is a string", HttpStatusCode.BadRequest, () => SquarePost(Square("inventory.count.updated", "sq-3", """{"object":{"inventory_counts":"many"}}"""))),
            new("huge string, unknown type", HttpStatusCode.OK, () => SquarePost(Square("loyalty.account.created", "sq-4", $"{{\"note\":\"{Huge}\"}}"))),
            new("deep nesting", HttpStatusCode.BadRequest, () => SquarePost("{\"merchant_id\":\"M1\",\"x\":" + Deep() + "}")),
        };

        await AssertAllAsync(app.Anonymous(), cases, async () => await shop.Tenant.GetStringAsync($"/api/tenants/{shop.TenantId}/products?q="));
    }

    [Fact]
    public async Task BetterDataRoute_HostileInputs_GetDocumentedStatus_AndChangeNothing()
    {
        await using var app = new BetterDataApp(time: new FakeTimeProvider(T0));
        var shop = await CommerceClient.CreateAsync(app);
        var session = await shop.StartSessionAsync();
        var completed = Event("bd-1", "checkout.completed", $"{{\"tenantId\":\"{shop.TenantId}\",\"sessionId\":\"{session}\",\"orderId\":\"o-1\"}}");
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().SendAsync(BetterData(completed))).StatusCode);
        var replay = Event("bd-1", "checkout.completed", $"{{\"tenantId\":\"{shop.TenantId}\",\"sessionId\":\"{session}\",\"orderId\":\"o-2\"}}");
        var other = Event("bd-2", "checkout.completed", $"{{\"tenantId\":\"{shop.TenantId}\",\"sessionId\":\"{session}\",\"orderId\":\"o-3\"}}");

        var cases = new BadRequestCase[]
        {
            new("no signature", HttpStatusCode.Forbidden, () => BetterData(other, signature: "")),
            new("wrong signature", HttpStatusCode.Forbidden, () => BetterData(other, signature: Sign(completed, T0))),
            new("wrong secret", HttpStatusCode.Forbidden, () => BetterData(other, signature: Sign(other, T0, "not_the_secret"))),
            new("stale timestamp", HttpStatusCode.Forbidden, () => BetterData(other, signature: Sign(other, T0.AddMinutes(-6)))),
            new("replayed id, new body", HttpStatusCode.OK, () => BetterData(replay)),
            new("malformed JSON", HttpStatusCode.BadRequest, () => BetterData("{\"id\":")),
            new("truncated body, signed whole", HttpStatusCode.Forbidden, () => BetterData(other[..25], signature: Sign(other, T0))),
            new("truncated body, signed as sent", HttpStatusCode.BadRequest, () => BetterData(other[..25])),
            new("body over the limit", HttpStatusCode.RequestEntityTooLarge, () => BetterData(OverLimit)),
            new("wrong content type", HttpStatusCode.UnsupportedMediaType, () => BetterData(other, contentType: "text/plain")),
            new("unknown session", HttpStatusCode.OK, () => BetterData(Event("bd-3", "checkout.completed", $"{{\"tenantId\":\"{shop.TenantId}\",\"sessionId\":\"nope\",\"orderId\":\"o-4\"}}"))),
            new("unknown event type", HttpStatusCode.OK, () => BetterData(Event("bd-4", "checkout.abandoned", "{}"))),
            new("id is an object", HttpStatusCode.BadRequest, () => BetterData("{\"id\":{\"a\":1},\"type\":\"checkout.completed\",\"data\":{}}")),
            new("checkout without orderId", HttpStatusCode.BadRequest, () => BetterData(Event("bd-5", "checkout.completed", $"{{\"tenantId\":\"{shop.TenantId}\",\"sessionId\":\"{session}\"}}"))),
            new("huge string, unknown type", HttpStatusCode.OK, () => BetterData(Event("bd-6", "checkout.abandoned", $"{{\"note\":\"{Huge}\"}}"))),
            new("deep nesting", HttpStatusCode.BadRequest, () => BetterData("{\"id\":\"bd-7\",\"type\":\"checkout.completed\",\"data\":" + Deep() + "}")),
        };

        await AssertAllAsync(app.Anonymous(), cases, async () => (await shop.SessionAsync(session)).GetRawText());
    }

    private static HttpRequestMessage Shopify(string body, string eventId, string? signature = null, string secret = CommerceClient.ShopifySecret,
        string shop = "acme.myshopify.com", string topic = "products/update", string contentType = "application/json") =>
        Post("/webhooks/shopify", body, contentType,
            ("X-Shopify-Topic", topic), ("X-Shopify-Shop-Domain", shop), ("X-Shopify-Event-Id", eventId), ("X-Shopify-Webhook-Id", eventId),
            ("X-Shopify-Hmac-Sha256", signature ?? CommerceClient.Base64Hmac(secret, body)));

    private static string Square(string type, string eventId, string data) =>
        $"{{\"merchant_id\":\"M1\",\"type\":\"{type}\",\"event_id\":\"{eventId}\",\"created_at\":\"2026-11-01T12:00:00Z\",\"data\":{data}}}";

    private static HttpRequestMessage SquarePost(string body, string? signature = null, string key = CommerceClient.SquareKey, string contentType = "application/json") =>
        Post("/webhooks/square", body, contentType, ("x-square-hmacsha256-signature", signature ?? CommerceClient.Base64Hmac(key, CommerceClient.SquareUrl + body)));

    private static string Event(string id, string type, string data) => $"{{\"id\":\"{id}\",\"type\":\"{type}\",\"data\":{data}}}";

    private static string Sign(string body, DateTimeOffset at, string secret = BetterDataApp.BetterDataSecret)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body)))}";
    }

    private static HttpRequestMessage BetterData(string body, string? signature = null, string contentType = "application/json") =>
        Post("/webhooks/betterdata", body, contentType, ("x-betterdata-signature", signature ?? Sign(body, T0)));
}

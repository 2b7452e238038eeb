using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;

namespace BetterData.Api.Tests.Commerce;

/// <summary>
/// Signs provider webhooks with its own HMAC code (not the product's) and posts them over HTTP; small helpers for the
/// commerce API.
/// </summary>
public sealed class CommerceClient(BetterDataApp app, HttpClient tenant, string tenantId)
{
    public const string ShopifySecret = "shpss_test_secret";
    public const string SquareKey = "square_test_signature_key";
    public const string SquareUrl = "https://hooks.example.com/webhooks/square";

    public HttpClient Tenant => tenant;
    public string TenantId => tenantId;
    public BetterDataApp App => app;

    public static async Task<CommerceClient> CreateAsync(BetterDataApp app, string shop = "acme.myshopify.com", string? squareMerchant = null, string? squareApi = null)
    {
        var (id, client) = await app.CreateTenantAsync();
        var commerce = new CommerceClient(app, client, id);
        (await client.PutAsJsonAsync($"/api/tenants/{id}/connections/shopify", new { shopDomain = shop, webhookSecret = ShopifySecret })).EnsureSuccessStatusCode();
        if (squareMerchant is not null)
        {
            (await client.PutAsJsonAsync($"/api/tenants/{id}/connections/square", new
            {
                merchantId = squareMerchant, signatureKey = SquareKey, notificationUrl = SquareUrl, accessToken = "sq_token", apiBaseUrl = squareApi,
            })).EnsureSuccessStatusCode();
        }

        return commerce;
    }

    public static string Base64Hmac(string secret, string text) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(text)));

    public Task<HttpResponseMessage> ShopifyAsync(string topic, object payload, string? eventId = null, string shop = "acme.myshopify.com",
        string secret = ShopifySecret, Action<HttpRequestMessage>? tweak = null) =>
        ShopifyRawAsync(topic, JsonSerializer.Serialize(payload), eventId ?? Guid.NewGuid().ToString(), shop, secret, tweak);

    public async Task<HttpResponseMessage> ShopifyRawAsync(string topic, string body, string eventId, string shop = "acme.myshopify.com",
        string secret = ShopifySecret, Action<HttpRequestMessage>? tweak = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/shopify") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Shopify-Topic", topic);
        request.Headers.Add("X-Shopify-Shop-Domain", shop);
        request.Headers.Add("X-Shopify-Event-Id", eventId);
        request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-Shopify-Hmac-Sha256", Base64Hmac(secret, body));
        tweak?.Invoke(request);
        return await app.Anonymous().SendAsync(request);
    }

    public async Task<HttpResponseMessage> SquareAsync(string type, object data, string merchant, string? eventId = null, string key = SquareKey)
    {
        var body = JsonSerializer.Serialize(new
        {
            merchant_id = merchant,
            type,
            event_id = eventId ?? Guid.NewGuid().ToString(),
            created_at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            data,
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/square") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-square-hmacsha256-signature", Base64Hmac(key, SquareUrl + body));
        return await app.Anonymous().SendAsync(request);
    }

    public async Task<HttpResponseMessage> BetterDataAsync(object payload, DateTimeOffset now, string secret = BetterDataApp.BetterDataSecret)
    {
        var body = JsonSerializer.Serialize(payload);
        var t = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/betterdata") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-betterdata-signature", $"t={t},v1={mac}");
        return await app.Anonymous().SendAsync(request);
    }

    public static object Product(long id, string title, DateTimeOffset updatedAt, params (long Id, string Sku, long Item)[] variants) => new
    {
        id,
        title,
        body_html = "<p>" + title + "</p>",
        status = "active",
        updated_at = updatedAt.ToString("O", CultureInfo.InvariantCulture),
        images = new[] { new { src = $"https://cdn.example.com/{id}.png" } },
        variants = variants.Select(v => new { id = v.Id, sku = v.Sku, price = "19.99", inventory_item_id = v.Item }).ToArray(),
    };

    public static object Level(long item, long location, int available, DateTimeOffset at) => new
    {
        inventory_item_id = item,
        location_id = location,
        available,
        updated_at = at.ToString("O", CultureInfo.InvariantCulture),
    };

    public async Task<JsonElement> SearchAsync(string q) =>
        (await tenant.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenantId}/products?q={Uri.EscapeDataString(q)}")).GetProperty("data");

    public async Task<JsonElement?> ProductAsync(string productId)
    {
        var response = await tenant.GetAsync($"/api/tenants/{tenantId}/products/{productId}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    public async Task<JsonElement?> OrderAsync(string orderId)
    {
        var response = await tenant.GetAsync($"/api/tenants/{tenantId}/orders/{orderId}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>One page of the order list: its order ids, comma-separated in the order given, and the next page's cursor.</summary>
    public async Task<(string Ids, string? Next)> OrdersAsync(string query = "")
    {
        var page = await tenant.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenantId}/orders?{query}");
        return (string.Join(',', page.GetProperty("data").EnumerateArray().Select(o => o.GetProperty("orderId").GetString())),
            page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString());
    }

    public async Task<string> StartSessionAsync(params string[] interests)
    {
        var response = await tenant.PostAsJsonAsync($"/api/tenants/{tenantId}/sessions", new { });
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!;
        if (interests.Length > 0)
        {
            (await tenant.PostAsJsonAsync($"/api/tenants/{tenantId}/sessions/{id}/interests", new { productIds = interests })).EnsureSuccessStatusCode();
        }

        return id;
    }

    public async Task<JsonElement> SessionAsync(string sessionId) =>
        await tenant.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenantId}/sessions/{sessionId}");

    public async Task<int> AlertCountAsync(string sessionId) =>
        (await tenant.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenantId}/sessions/{sessionId}/alerts")).GetProperty("data").GetArrayLength();

    public static MediaTypeHeaderValue Json => new("application/json");
}

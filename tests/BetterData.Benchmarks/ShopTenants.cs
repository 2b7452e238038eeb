using System.Net.Http.Json;
using System.Text.Json;

namespace BetterData.Benchmarks;

/// <summary>Creates benchmark tenants through the management API, tenant <c>i</c> owning shop <see cref="ShopifyTraffic.Shop"/>(i).</summary>
public static class ShopTenants
{
    /// <summary>Creates the tenants; each one's API key (shown once, at creation) goes into <paramref name="keys"/> when given.</summary>
    public static async Task<string[]> CreateAsync(HttpClient admin, int count, string prefix = "bench", bool connectShopify = true, IDictionary<string, string>? keys = null)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            var created = await admin.PostAsJsonAsync("/api/tenants", new { name = $"Benchmark {i}", id = $"{prefix}-{i}" });
            created.EnsureSuccessStatusCode();
            ids[i] = $"{prefix}-{i}";
            var body = await created.Content.ReadFromJsonAsync<JsonElement>();
            keys?.Add(ids[i], body.GetProperty("apiKey").GetString()!);
            if (!connectShopify)
            {
                continue;
            }

            using var connect = new HttpRequestMessage(HttpMethod.Put, $"/api/tenants/{prefix}-{i}/connections/shopify")
            {
                Content = JsonContent.Create(new { shopDomain = ShopifyTraffic.Shop(i), webhookSecret = ShopifyTraffic.Secret }),
            };
            connect.Headers.Authorization = new("Bearer", body.GetProperty("apiKey").GetString());
            (await admin.SendAsync(connect)).EnsureSuccessStatusCode();
        }

        return ids;
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BetterData.Benchmarks;

/// <summary>
/// Signed Shopify <c>products/update</c> requests, each with a unique event id. Sequence <c>n</c> goes to shop
/// <c>n % shops</c> and to product <c>offset + n</c> (one new product per event) or, with a pool, to one of
/// <c>pool</c> products; its title names the run and the sequence so the state check can tell which event a product
/// reflects. A later run's events carry later <c>updated_at</c> than an earlier run's, so runs over one pool of
/// products apply in run order (a warm-up never makes the measured run's events stale).
/// </summary>
public sealed class ShopifyTraffic(string[] shops, string secret, long offset, int productPool = 0, int run = 1)
{
    public const string Secret = "shpss_benchmark_secret";
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly byte[] key = Encoding.UTF8.GetBytes(secret);

    public static string Shop(int index) => $"bench-{index}.myshopify.com";

    public string ShopOf(long sequence) => shops[(int)(sequence % shops.Length)];

    public long ProductOf(long sequence) => offset + (productPool > 0 ? sequence % productPool : sequence) + 1;

    public int Run => run;

    public string Title(long sequence) => $"Product {run.ToString(CultureInfo.InvariantCulture)}:{sequence.ToString(CultureInfo.InvariantCulture)}";

    public HttpRequestMessage Update(long sequence)
    {
        var product = ProductOf(sequence);
        var id = product.ToString(CultureInfo.InvariantCulture);
        // Later sequences carry later updated_at, so a pool's newest event wins however requests interleave.
        var updatedAt = Epoch.AddDays(run).AddMilliseconds(offset + sequence).ToString("O", CultureInfo.InvariantCulture);
        var body = Encoding.UTF8.GetBytes(
            $$"""{"id":{{id}},"title":"{{Title(sequence)}}","body_html":"<p>benchmark</p>","status":"active","updated_at":"{{updatedAt}}","images":[],"variants":[{"id":{{id}}1,"sku":"SKU-{{id}}","price":"19.99","inventory_item_id":{{id}}2}]}""");
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/shopify") { Content = content };
        request.Headers.Add("X-Shopify-Topic", "products/update");
        request.Headers.Add("X-Shopify-Shop-Domain", ShopOf(sequence));
        request.Headers.Add("X-Shopify-Event-Id", $"evt-{run}-{offset}-{sequence}");
        request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-Shopify-Hmac-Sha256", Convert.ToBase64String(HMACSHA256.HashData(key, body)));
        return request;
    }
}

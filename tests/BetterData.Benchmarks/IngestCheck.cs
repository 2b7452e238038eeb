using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace BetterData.Benchmarks;

/// <summary>
/// Reads every product an acknowledged event touched, through the product API (so through its grain), and counts
/// those whose title is not from this run or older than the newest acknowledged event for it: those events were
/// acknowledged and lost.
/// </summary>
public static class IngestCheck
{
    public static async Task<(int Checked, int Lost)> CountLostAsync(Uri api, string adminKey, string[] tenants, ShopifyTraffic traffic,
        IEnumerable<Sample> samples)
    {
        var expected = samples.Where(s => s.Ok)
            .GroupBy(s => (Tenant: (int)(s.Sequence % tenants.Length), Product: traffic.ProductOf(s.Sequence)))
            .Select(g => (g.Key.Tenant, g.Key.Product, Newest: g.Max(s => s.Sequence)))
            .ToArray();
        var prefix = $"Product {traffic.Run}:";
        var lost = 0;
        using var http = LoadGenerator.CreateClient(api, 16);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        await Parallel.ForEachAsync(expected, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (e, ct) =>
        {
            using var response = await http.GetAsync($"/api/tenants/{tenants[e.Tenant]}/products/{e.Product}", ct);
            var title = response.IsSuccessStatusCode
                ? (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("title").GetString()
                : null;
            if (title is null || !title.StartsWith(prefix, StringComparison.Ordinal)
                || !long.TryParse(title.AsSpan(prefix.Length), out var seen) || seen < e.Newest)
            {
                Interlocked.Increment(ref lost);
            }
        });
        return (expected.Length, lost);
    }
}

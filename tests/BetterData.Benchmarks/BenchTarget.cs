using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;

namespace BetterData.Benchmarks;

/// <summary>
/// The real Api co-hosting a silo, in this process on Kestrel (embedded: in-memory storage; postgres: a throwaway
/// PostgreSQL), with benchmark tenants whose Shopify shops are connected.
/// </summary>
public sealed class BenchTarget : IAsyncDisposable
{
    private readonly BetterDataApp app;

    private BenchTarget(BetterDataApp app, string[] tenants)
    {
        this.app = app;
        Tenants = tenants;
        Admin = app.Admin();
        Address = Admin.BaseAddress!;
    }

    public Uri Address { get; }
    public HttpClient Admin { get; }
    public IGrainFactory Grains => app.Grains;

    /// <summary>Tenant <c>i</c> owns shop <see cref="ShopifyTraffic.Shop"/>(i).</summary>
    public string[] Tenants { get; }

    public static async Task<BenchTarget> StartAsync(string? postgres, int tenants, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            // Per-request logs would measure the console, not us.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = new BetterDataApp(postgres: postgres, settings: all);
        var ids = new string[tenants];
        for (var i = 0; i < tenants; i++)
        {
            var (id, client) = await app.CreateTenantAsync($"bench-{i}");
            var connected = await client.PutAsJsonAsync($"/api/tenants/{id}/connections/shopify",
                new { shopDomain = ShopifyTraffic.Shop(i), webhookSecret = ShopifyTraffic.Secret });
            connected.EnsureSuccessStatusCode();
            ids[i] = id;
        }

        return new BenchTarget(app, ids);
    }

    /// <summary>
    /// Reads every product an acknowledged event touched and counts those whose title is older than the newest
    /// acknowledged event for it: those events were acknowledged and lost.
    /// </summary>
    public async Task<(int Checked, int Lost)> CountLostAsync(ShopifyTraffic traffic, IEnumerable<Sample> samples)
    {
        var expected = samples.Where(s => s.Ok)
            .GroupBy(s => (Tenant: (int)(s.Sequence % Tenants.Length), Product: traffic.ProductOf(s.Sequence)))
            .Select(g => (g.Key.Tenant, g.Key.Product, Newest: g.Max(s => s.Sequence)))
            .ToArray();
        var lost = 0;
        using var http = LoadGenerator.CreateClient(Address, 16);
        http.DefaultRequestHeaders.Authorization = Admin.DefaultRequestHeaders.Authorization;
        await Parallel.ForEachAsync(expected, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (e, ct) =>
        {
            var response = await http.GetAsync($"/api/tenants/{Tenants[e.Tenant]}/products/{e.Product}", ct);
            var title = response.IsSuccessStatusCode
                ? (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("title").GetString()
                : null;
            if (title is null || !long.TryParse(title.AsSpan("Product ".Length), out var seen) || seen < e.Newest)
            {
                Interlocked.Increment(ref lost);
            }
        });
        return (expected.Length, lost);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

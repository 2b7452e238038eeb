using BetterData.Api.Tests.Infrastructure;

namespace BetterData.Benchmarks;

/// <summary>
/// The real Api co-hosting a silo, in this process on Kestrel (embedded: in-memory storage; postgres: a throwaway
/// PostgreSQL), with benchmark tenants whose Shopify shops are connected.
/// </summary>
public sealed class BenchTarget : IAsyncDisposable
{
    private readonly BetterDataApp app;

    private BenchTarget(BetterDataApp app, string[] tenants, IReadOnlyDictionary<string, string> keys)
    {
        this.app = app;
        Tenants = tenants;
        TenantKeys = keys;
        Admin = app.Admin();
        Address = Admin.BaseAddress!;
    }

    public Uri Address { get; }
    public HttpClient Admin { get; }
    public IGrainFactory Grains => app.Grains;

    /// <summary>Tenant <c>i</c> owns shop <see cref="ShopifyTraffic.Shop"/>(i).</summary>
    public string[] Tenants { get; }

    /// <summary>Each tenant's own API key, for calls a tenant makes (publishing), so they are authenticated as in production.</summary>
    public IReadOnlyDictionary<string, string> TenantKeys { get; }

    public static async Task<BenchTarget> StartAsync(string? postgres, int tenants, IDictionary<string, string?>? settings = null, bool connectShopify = true)
    {
        var all = new Dictionary<string, string?>
        {
            // Per-request logs would measure the console, not us.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
            // Benchmark tenants are on the free plan; lift its limits so the plan is not what is measured.
            ["Billing:Plans:free:MaxEndpoints"] = "1000",
            ["Billing:Plans:free:MonthlyEventQuota"] = "1000000000",
            ["Billing:Plans:free:OutboundWebhooks"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = new BetterDataApp(postgres: postgres, settings: all);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var ids = await ShopTenants.CreateAsync(app.Admin(), tenants, connectShopify: connectShopify, keys: keys);
        return new BenchTarget(app, ids, keys);
    }

    /// <summary>Acknowledged events missing from grain state; see <see cref="IngestCheck"/>.</summary>
    public Task<(int Checked, int Lost)> CountLostAsync(ShopifyTraffic traffic, IEnumerable<Sample> samples) =>
        IngestCheck.CountLostAsync(Address, BetterDataApp.AdminKey, Tenants, traffic, samples);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await app.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
            // A silo with a million activations does not deactivate them all within the host's shutdown timeout;
            // the figures are already taken.
        }
    }
}

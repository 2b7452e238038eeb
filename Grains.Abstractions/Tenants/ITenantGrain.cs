using Orleans.Concurrency;

namespace BetterData.Grains.Tenants;

/// <summary>A tenant of the platform (key: tenant id). Owns the tenant's name and the hash of its API key.</summary>
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant. Returns false when a tenant with this id already exists (nothing changes).</summary>
    Task<bool> CreateAsync(string name, byte[] apiKeyHash);

    /// <summary>The tenant, or null when it does not exist.</summary>
    Task<TenantInfo?> GetAsync();

    /// <summary>Replaces the key hash; the old key stops working at once. False when the tenant does not exist.</summary>
    Task<bool> ReplaceApiKeyAsync(byte[] apiKeyHash);

    /// <summary>
    /// True when the SHA-256 hash of a presented key matches the stored one (constant-time compare). Every API request
    /// with a tenant key makes this call, so it interleaves with the grain's other turns instead of queueing behind
    /// them: it reads one field, and a replacement or deletion clears that field before its write, so the old key
    /// fails from the moment either starts.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> VerifyApiKeyAsync(byte[] apiKeyHash);

    /// <summary>
    /// The tenant's demand-signal settings as they apply; null when there is no such tenant. Every selling product
    /// reads them on each demand check, so the read interleaves (one field).
    /// </summary>
    [AlwaysInterleave]
    Task<DemandSettings?> GetDemandSettingsAsync();

    /// <summary>
    /// Sets the tenant's stockout threshold in days of cover, or with null goes back to the platform's; the next demand
    /// check of each product uses it. Null when there is no such tenant.
    /// </summary>
    Task<DemandSettings?> SetStockoutCoverDaysAsync(double? days);

    /// <summary>
    /// Deletes the tenant: its key stops working at once, its endpoints are deleted with their deliveries and log,
    /// its store connections are released (another tenant may connect those stores), and it leaves the tenant list.
    /// Its id is not reused. Repeating it finishes a deletion that stopped half-way. Returns the keys of the connections
    /// it released (for API nodes' credential caches); null when there is no such tenant.
    /// </summary>
    Task<IReadOnlyList<string>?> DeleteAsync();
}

namespace BetterData.Grains.Tenants;

/// <summary>
/// Every tenant of the cluster, for the admin listing (one grain, key 0). A tenant adds itself when it is created, and
/// again when it activates if that add did not complete (a crash in between, or a tenant created before the listing).
/// </summary>
public interface ITenantDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or refreshes a tenant; repeating it changes nothing.</summary>
    Task AddAsync(TenantInfo tenant);

    /// <summary>Removes a tenant; repeating it changes nothing.</summary>
    Task RemoveAsync(string tenantId);

    /// <summary>Tenants in id order (ordinal) after <paramref name="after"/>, at most <paramref name="limit"/>.</summary>
    Task<TenantPage> ListAsync(string? after, int limit);
}

/// <summary>A page of tenants; <see cref="Next"/> is the <c>after</c> of the next page, null on the last one.</summary>
[GenerateSerializer, Immutable, Alias("tenant-page")]
public sealed record TenantPage([property: Id(0)] IReadOnlyList<TenantInfo> Data, [property: Id(1)] string? Next);

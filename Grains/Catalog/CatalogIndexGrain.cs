using Orleans.Concurrency;

namespace BetterData.Grains.Catalog;

/// <summary>
/// Reads the <see cref="ICatalogStore"/> (PostgreSQL rows, so a catalog of any size costs one indexed query). It holds
/// nothing, so it runs as a stateless worker on whichever silo the caller reaches.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class CatalogIndexGrain(ICatalogStore catalog) : Grain, ICatalogIndexGrain
{
    private string TenantId => this.GetPrimaryKeyString();

    public Task<IReadOnlyList<CatalogEntry>> SearchAsync(string? query, int limit) => catalog.SearchAsync(TenantId, query, limit);

    public Task<VariantRef?> ResolveAsync(string inventoryItemOrVariantId) => catalog.ResolveAsync(TenantId, inventoryItemOrVariantId);
}

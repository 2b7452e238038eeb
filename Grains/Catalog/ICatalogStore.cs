namespace BetterData.Grains.Catalog;

/// <summary>
/// The tenants' searchable catalogs, inventory-item maps and parked stock counts, in rows (PostgreSQL tables of ours,
/// or memory in embedded mode) rather than one growing grain state per tenant: a product change writes its own row,
/// whatever the size of the catalog. Written by product grains (one writer per product, so no two writes of a product
/// race) and, for parked counts, by the tenant's inbox.
/// </summary>
public interface ICatalogStore
{
    /// <summary>
    /// Writes the product's entry, points its variants' and inventory items' ids at it, and forgets
    /// <paramref name="staleItemIds"/> (ids it pointed at before that the entry no longer names) where they still
    /// point at it. The product knows what it wrote last, so the store never has to look that up. Then returns the
    /// stock counts parked for <paramref name="claimItemIds"/>, read after the row is durable: a count parked at the
    /// same time is either returned here or found by its parker's second resolve (<see cref="ParkAsync"/>). Returned
    /// counts stay parked until the product has applied them and calls <see cref="UnparkAsync"/>, so a crash in
    /// between loses nothing.
    /// </summary>
    Task<IReadOnlyList<InventoryChange>> UpsertAsync(
        string tenantId, CatalogEntry entry, IReadOnlyCollection<string> staleItemIds, IReadOnlyCollection<string> claimItemIds);

    /// <summary>Removes a product (deleted or delisted) and those of <paramref name="itemIds"/> that still point at it.</summary>
    Task RemoveAsync(string tenantId, string productId, IReadOnlyCollection<string> itemIds);

    /// <summary>Active products whose title or a SKU contains <paramref name="query"/> (case-insensitive), by title.</summary>
    Task<IReadOnlyList<CatalogEntry>> SearchAsync(string tenantId, string? query, int limit);

    /// <summary>The product and variant of a Shopify inventory item, a Square variation or a variant id.</summary>
    Task<VariantRef?> ResolveAsync(string tenantId, string inventoryItemOrVariantId);

    /// <summary>
    /// Keeps a stock count for an item no product names yet, until its product claims it; the newest count per item
    /// and location wins. The caller resolves the item again afterwards: a product whose row landed meanwhile did not
    /// see this count, so the caller applies it itself.
    /// </summary>
    Task ParkAsync(string tenantId, InventoryChange change, DateTimeOffset parkedAt);

    /// <summary>Forgets parked counts that have been applied: each one's item and location, unless a newer count replaced it.</summary>
    Task UnparkAsync(string tenantId, IReadOnlyCollection<InventoryChange> applied);

    /// <summary>Forgets counts parked before the cutoff (their product never came); returns how many went.</summary>
    Task<int> PurgeParkedAsync(DateTimeOffset cutoff);
}

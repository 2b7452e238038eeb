namespace BetterData.Grains.Catalog;

/// <summary>
/// The tenants' searchable catalogs and inventory-item maps, in rows (PostgreSQL tables of ours, or memory in
/// embedded mode) rather than one growing grain state per tenant: a product change writes its own row, whatever
/// the size of the catalog. Written by product grains (one writer per product, so no two writes of a product race).
/// </summary>
public interface ICatalogStore
{
    /// <summary>
    /// Writes the product's entry, points its variants' and inventory items' ids at it, and forgets
    /// <paramref name="staleItemIds"/> (ids it pointed at before that the entry no longer names) where they still
    /// point at it. The product knows what it wrote last, so the store never has to look that up.
    /// </summary>
    Task UpsertAsync(string tenantId, CatalogEntry entry, IReadOnlyCollection<string> staleItemIds);

    /// <summary>Removes a product (deleted or delisted) and those of <paramref name="itemIds"/> that still point at it.</summary>
    Task RemoveAsync(string tenantId, string productId, IReadOnlyCollection<string> itemIds);

    /// <summary>Active products whose title or a SKU contains <paramref name="query"/> (case-insensitive), by title.</summary>
    Task<IReadOnlyList<CatalogEntry>> SearchAsync(string tenantId, string? query, int limit);

    /// <summary>The product and variant of a Shopify inventory item, a Square variation or a variant id.</summary>
    Task<VariantRef?> ResolveAsync(string tenantId, string inventoryItemOrVariantId);
}

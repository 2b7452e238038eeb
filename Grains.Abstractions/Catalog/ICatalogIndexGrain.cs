namespace BetterData.Grains.Catalog;

/// <summary>
/// A tenant's catalog as callers outside the silo see it (key: tenant id): search over title and SKUs, and the map
/// from inventory item / variation ids to (product, variant). Products write their own catalog rows; this reads them.
/// </summary>
public interface ICatalogIndexGrain : IGrainWithStringKey
{
    /// <summary>Active products whose title or a SKU contains <paramref name="query"/> (case-insensitive); all when empty.</summary>
    Task<IReadOnlyList<CatalogEntry>> SearchAsync(string? query, int limit);

    /// <summary>The product and variant of a Shopify inventory item or Square variation id.</summary>
    Task<VariantRef?> ResolveAsync(string inventoryItemOrVariantId);
}

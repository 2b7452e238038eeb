namespace BetterData.Grains.Catalog;

/// <summary>
/// A tenant's catalog as callers outside the silo see it (key: tenant id): search over title and SKUs, the map from
/// inventory item / variation ids to (product, variant), and stock counts waiting for their product. Products write
/// their own catalog rows; this grain reads them.
/// </summary>
public interface ICatalogIndexGrain : IGrainWithStringKey
{
    /// <summary>Active products whose title or a SKU contains <paramref name="query"/> (case-insensitive); all when empty.</summary>
    Task<IReadOnlyList<CatalogEntry>> SearchAsync(string? query, int limit);

    /// <summary>The product and variant of a Shopify inventory item or Square variation id.</summary>
    Task<VariantRef?> ResolveAsync(string inventoryItemOrVariantId);

    /// <summary>
    /// Keeps a stock count whose inventory item no product has named yet (providers do not order their webhooks:
    /// a level often arrives before its product). Bounded; the newest count per item and location wins.
    /// </summary>
    Task ParkAsync(InventoryChange change);

    /// <summary>Removes and returns the parked counts of these inventory items.</summary>
    Task<IReadOnlyList<InventoryChange>> TakeParkedAsync(IReadOnlyList<string> inventoryItemIds);
}

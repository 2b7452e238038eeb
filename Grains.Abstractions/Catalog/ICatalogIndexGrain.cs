namespace BetterData.Grains.Catalog;

/// <summary>
/// A tenant's searchable catalog (key: tenant id): title and SKUs of each active product, and the map from
/// inventory item / variation ids to (product, variant) learned from product payloads.
/// </summary>
public interface ICatalogIndexGrain : IGrainWithStringKey
{
    Task UpsertAsync(CatalogEntry entry);

    Task RemoveAsync(string productId);

    /// <summary>Active products whose title or a SKU contains <paramref name="query"/> (case-insensitive); all when empty.</summary>
    Task<IReadOnlyList<CatalogEntry>> SearchAsync(string? query, int limit);

    /// <summary>The product and variant of a Shopify inventory item or Square variation id.</summary>
    Task<VariantRef?> ResolveAsync(string inventoryItemOrVariantId);
}

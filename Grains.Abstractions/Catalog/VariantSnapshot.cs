namespace BetterData.Grains.Catalog;

/// <summary>A variant as a provider describes it. <paramref name="InventoryItemId"/>: Shopify's inventory item, Square's variation id.</summary>
[GenerateSerializer, Immutable, Alias("variant-snapshot")]
public sealed record VariantSnapshot(
    [property: Id(0)] string VariantId,
    [property: Id(1)] string? Sku,
    [property: Id(2)] string? InventoryItemId,
    [property: Id(3)] decimal? Price);

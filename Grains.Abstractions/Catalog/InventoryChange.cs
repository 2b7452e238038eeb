namespace BetterData.Grains.Catalog;

/// <summary>A provider's stock count for one inventory item (Shopify) or variation (Square) at one location.</summary>
[GenerateSerializer, Immutable, Alias("inventory-change")]
public sealed record InventoryChange(
    [property: Id(0)] string InventoryItemId,
    [property: Id(1)] string LocationId,
    [property: Id(2)] int Available,
    [property: Id(3)] DateTimeOffset UpdatedAt);

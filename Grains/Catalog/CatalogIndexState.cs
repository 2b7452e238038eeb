namespace BetterData.Grains.Catalog;

[GenerateSerializer, Alias("catalog-index-state")]
public sealed class CatalogIndexState
{
    /// <summary>Active products only: a deleted product leaves the index.</summary>
    [Id(0)] public Dictionary<string, CatalogEntry> Products { get; set; } = [];

    /// <summary>Inventory item / variation id → product and variant.</summary>
    [Id(1)] public Dictionary<string, VariantRef> Items { get; set; } = [];

    /// <summary>Stock counts waiting for their product, keyed <c>{item}|{location}</c>, oldest first.</summary>
    [Id(2)] public Dictionary<string, InventoryChange> Parked { get; set; } = [];
    [Id(3)] public List<string> ParkedOrder { get; set; } = [];
}

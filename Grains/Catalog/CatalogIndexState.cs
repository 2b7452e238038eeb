namespace BetterData.Grains.Catalog;

/// <summary>Only the parked stock counts: products and item ids are rows in the <see cref="ICatalogStore"/>.</summary>
[GenerateSerializer, Alias("catalog-index-state")]
public sealed class CatalogIndexState
{
    /// <summary>Stock counts waiting for their product, keyed <c>{item}|{location}</c>, oldest first.</summary>
    [Id(2)] public Dictionary<string, InventoryChange> Parked { get; set; } = [];
    [Id(3)] public List<string> ParkedOrder { get; set; } = [];
}

namespace BetterData.Grains.Catalog;

[GenerateSerializer, Immutable, Alias("variant-view")]
public sealed record VariantView(
    [property: Id(0)] string VariantId,
    [property: Id(1)] string? Sku,
    [property: Id(2)] decimal? Price,
    [property: Id(3)] int Available,
    [property: Id(4)] IReadOnlyDictionary<string, int> StockByLocation);

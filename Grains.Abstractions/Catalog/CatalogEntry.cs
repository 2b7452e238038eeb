namespace BetterData.Grains.Catalog;

[GenerateSerializer, Immutable, Alias("catalog-entry")]
public sealed record CatalogEntry(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Title,
    [property: Id(2)] IReadOnlyList<string> Skus,
    [property: Id(3)] decimal? Price,
    [property: Id(4)] string? Currency,
    [property: Id(5)] int Available,
    [property: Id(6)] IReadOnlyList<VariantSnapshot> Variants);

namespace BetterData.Grains.Catalog;

[GenerateSerializer, Immutable, Alias("product-view")]
public sealed record ProductView(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Title,
    [property: Id(2)] string? Description,
    [property: Id(3)] decimal? Price,
    [property: Id(4)] string? Currency,
    [property: Id(5)] IReadOnlyList<string> Images,
    [property: Id(6)] string Status,
    [property: Id(7)] bool Deleted,
    [property: Id(8)] DateTimeOffset UpdatedAt,
    [property: Id(9)] int Available,
    [property: Id(10)] IReadOnlyList<VariantView> Variants);

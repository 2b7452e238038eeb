namespace BetterData.Grains.Catalog;

/// <summary>A product listing as a provider sent it, with the provider's <paramref name="UpdatedAt"/> used to refuse stale retries.</summary>
[GenerateSerializer, Immutable, Alias("product-snapshot")]
public sealed record ProductSnapshot(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Title,
    [property: Id(2)] string? Description,
    [property: Id(3)] decimal? Price,
    [property: Id(4)] string? Currency,
    [property: Id(5)] IReadOnlyList<string> Images,
    [property: Id(6)] string Status,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(8)] IReadOnlyList<VariantSnapshot> Variants);

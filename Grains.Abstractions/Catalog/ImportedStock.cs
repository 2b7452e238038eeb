namespace BetterData.Grains.Catalog;

/// <summary>An imported stock count: one variant of the product at one location.</summary>
[GenerateSerializer, Immutable, Alias("imported-stock")]
public sealed record ImportedStock(
    [property: Id(0)] string VariantId,
    [property: Id(1)] string LocationId,
    [property: Id(2)] int Available);

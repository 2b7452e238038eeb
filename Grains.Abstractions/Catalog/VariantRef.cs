namespace BetterData.Grains.Catalog;

[GenerateSerializer, Immutable, Alias("variant-ref")]
public sealed record VariantRef([property: Id(0)] string ProductId, [property: Id(1)] string VariantId);

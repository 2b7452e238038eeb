namespace BetterData.Grains.Orders;

/// <summary>An order line. Square lines carry only the variation id; the order grain resolves the product through the catalog.</summary>
[GenerateSerializer, Immutable, Alias("order-line")]
public sealed record OrderLine(
    [property: Id(0)] string? ProductId,
    [property: Id(1)] string? VariantId,
    [property: Id(2)] string? Sku,
    [property: Id(3)] int Quantity);

namespace BetterData.Grains.Delivery;

[GenerateSerializer, Immutable, Alias("delivery-page")]
public sealed record DeliveryPage(
    [property: Id(0)] IReadOnlyList<DeliverySummary> Items,
    [property: Id(1)] string? NextCursor);

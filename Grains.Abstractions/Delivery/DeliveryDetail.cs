namespace BetterData.Grains.Delivery;

/// <summary>One delivery with every attempt, oldest first.</summary>
[GenerateSerializer, Immutable, Alias("delivery-detail")]
public sealed record DeliveryDetail(
    [property: Id(0)] DeliverySummary Delivery,
    [property: Id(1)] IReadOnlyList<DeliveryAttempt> Attempts);

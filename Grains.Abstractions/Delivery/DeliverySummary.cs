namespace BetterData.Grains.Delivery;

/// <summary>One message × endpoint row of the delivery log.</summary>
[GenerateSerializer, Immutable, Alias("delivery-summary")]
public sealed record DeliverySummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string MessageId,
    [property: Id(2)] string EventType,
    [property: Id(3)] DeliveryStatus Status,
    [property: Id(4)] int Attempts,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? NextAttemptAt);

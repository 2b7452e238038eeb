namespace BetterData.Grains.Delivery;

/// <summary>Delivery log filter; newest first, <paramref name="Cursor"/> from the previous page.</summary>
[GenerateSerializer, Immutable, Alias("delivery-query")]
public sealed record DeliveryQuery(
    [property: Id(0)] DeliveryStatus? Status,
    [property: Id(1)] string? EventType,
    [property: Id(2)] DateTimeOffset? Since,
    [property: Id(3)] DateTimeOffset? Until,
    [property: Id(4)] string? Cursor,
    [property: Id(5)] int Limit);

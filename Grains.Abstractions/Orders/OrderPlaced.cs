namespace BetterData.Grains.Orders;

[GenerateSerializer, Immutable, Alias("order-placed")]
public sealed record OrderPlaced(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string Source,
    [property: Id(2)] string? SessionId,
    [property: Id(3)] IReadOnlyList<OrderLine> Lines,
    [property: Id(4)] DateTimeOffset CreatedAt);

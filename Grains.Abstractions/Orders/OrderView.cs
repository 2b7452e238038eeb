namespace BetterData.Grains.Orders;

/// <summary>An order and its allocation: <c>allocated</c> or <c>allocation_failed</c> with the lines that could not be met.</summary>
[GenerateSerializer, Immutable, Alias("order-view")]
public sealed record OrderView(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string Source,
    [property: Id(2)] string Status,
    [property: Id(3)] IReadOnlyList<OrderLine> Lines,
    [property: Id(4)] IReadOnlyList<OrderLine> UnmetLines,
    [property: Id(5)] string? SessionId,
    [property: Id(6)] DateTimeOffset CreatedAt);

namespace BetterData.Grains.Orders;

/// <summary>A page of a tenant's orders, newest first (by the order's own creation time, then id).</summary>
[GenerateSerializer, Immutable, Alias("order-query")]
public sealed record OrderQuery(
    [property: Id(0)] string? Status,
    [property: Id(1)] string? Source,
    [property: Id(2)] string? Cursor,
    [property: Id(3)] int Limit);

namespace BetterData.Grains.Orders;

/// <summary>Orders, newest first; <see cref="Next"/> is the cursor of the following page, null on the last one.</summary>
[GenerateSerializer, Immutable, Alias("order-page")]
public sealed record OrderPage([property: Id(0)] IReadOnlyList<OrderView> Data, [property: Id(1)] string? Next);

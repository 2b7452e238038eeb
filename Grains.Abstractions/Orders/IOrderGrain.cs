namespace BetterData.Grains.Orders;

/// <summary>
/// One order (key: <c>{tenant}/{orderId}</c>). Placing it reserves stock and publishes
/// <c>order.allocation_succeeded</c> or <c>order.allocation_failed</c> exactly once, however often it is placed.
/// </summary>
public interface IOrderGrain : IGrainWithStringKey
{
    Task<OrderView> PlaceAsync(OrderPlaced order);

    Task<OrderView?> GetAsync();
}

namespace BetterData.Grains.Orders;

/// <summary>
/// A tenant's orders as callers outside the silo see them (key: tenant id). Each order grain writes its own row once
/// its allocation is durable; this reads them.
/// </summary>
public interface IOrderIndexGrain : IGrainWithStringKey
{
    /// <summary>Newest first, optionally one status or source; throws <see cref="ArgumentException"/> on a cursor it did not issue.</summary>
    Task<OrderPage> ListAsync(OrderQuery query);
}

using Orleans.Concurrency;

namespace BetterData.Grains.Orders;

/// <summary>Reads the <see cref="IOrderIndex"/>. It holds nothing, so it runs as a stateless worker on whichever silo the caller reaches.</summary>
[StatelessWorker, Reentrant]
public sealed class OrderIndexGrain(IOrderIndex orders) : Grain, IOrderIndexGrain
{
    public Task<OrderPage> ListAsync(OrderQuery query) => orders.ListAsync(this.GetPrimaryKeyString(), query);
}

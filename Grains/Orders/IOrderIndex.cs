namespace BetterData.Grains.Orders;

/// <summary>
/// Every tenant's orders in rows (a PostgreSQL table of ours, or memory in embedded mode) rather than one growing grain
/// state per tenant, so listing them is one indexed query whatever their number. Written by order grains, one writer
/// per order.
/// </summary>
public interface IOrderIndex
{
    /// <summary>Writes (or rewrites) the order's row.</summary>
    Task RecordAsync(string tenantId, OrderView order);

    Task<OrderPage> ListAsync(string tenantId, OrderQuery query);
}

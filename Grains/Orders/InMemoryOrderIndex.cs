using System.Collections.Concurrent;
using BetterData.Grains.Hosting;

namespace BetterData.Grains.Orders;

/// <summary>Embedded mode's order list. Not durable, like the rest of embedded mode.</summary>
public sealed class InMemoryOrderIndex : IOrderIndex
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, OrderView>> tenants = new(StringComparer.Ordinal);

    public Task RecordAsync(string tenantId, OrderView order)
    {
        tenants.GetOrAdd(tenantId, _ => new(StringComparer.Ordinal))[order.OrderId] = order;
        return Task.CompletedTask;
    }

    public Task<OrderPage> ListAsync(string tenantId, OrderQuery query)
    {
        var after = KeysetCursor.Decode(query.Cursor);
        var rows = tenants.TryGetValue(tenantId, out var orders)
            ? orders.Values
                .Where(o => query.Status is null || o.Status == query.Status)
                .Where(o => query.Source is null || o.Source == query.Source)
                .Where(o => after is null || o.CreatedAt < after.Value.CreatedAt
                    || (o.CreatedAt == after.Value.CreatedAt && string.CompareOrdinal(o.OrderId, after.Value.Id) < 0))
                .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.OrderId, StringComparer.Ordinal)
                .Take(query.Limit + 1)
                .ToList()
            : [];
        var next = rows.Count > query.Limit ? KeysetCursor.Encode(rows[query.Limit - 1].CreatedAt, rows[query.Limit - 1].OrderId) : null;
        return Task.FromResult(new OrderPage([.. rows.Take(query.Limit)], next));
    }
}

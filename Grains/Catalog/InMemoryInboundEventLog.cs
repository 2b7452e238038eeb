using System.Collections.Concurrent;

namespace BetterData.Grains.Catalog;

/// <summary>Embedded mode's event-id log. Not durable, like the rest of embedded mode.</summary>
public sealed class InMemoryInboundEventLog : IInboundEventLog
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, DateTimeOffset>> tenants = new(StringComparer.Ordinal);

    public Task RecordAsync(string tenantId, string eventId, DateTimeOffset at)
    {
        tenants.GetOrAdd(tenantId, _ => new(StringComparer.Ordinal)).TryAdd(eventId, at);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<(string EventId, DateTimeOffset At)>> RecentAsync(string tenantId, DateTimeOffset since, int limit)
    {
        IReadOnlyList<(string, DateTimeOffset)> recent = tenants.TryGetValue(tenantId, out var ids)
            ? [.. ids.Where(kv => kv.Value > since).OrderByDescending(kv => kv.Value).Take(limit).Select(kv => (kv.Key, kv.Value))]
            : [];
        return Task.FromResult(recent);
    }

    public Task<int> PurgeAsync(DateTimeOffset cutoff)
    {
        var removed = 0;
        foreach (var ids in tenants.Values)
        {
            foreach (var (id, at) in ids)
            {
                if (at < cutoff && ids.TryRemove(id, out _))
                {
                    removed++;
                }
            }
        }

        return Task.FromResult(removed);
    }
}

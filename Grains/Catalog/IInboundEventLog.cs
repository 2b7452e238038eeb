namespace BetterData.Grains.Catalog;

/// <summary>
/// Provider event ids a tenant's inbox has processed, one row each (PostgreSQL, or memory in embedded mode), so that
/// dedupe costs one small insert per event instead of rewriting a growing id list in grain state.
/// </summary>
public interface IInboundEventLog
{
    /// <summary>Records that the event was processed; a repeat of a recorded id is a no-op.</summary>
    Task RecordAsync(string tenantId, string eventId, DateTimeOffset at);

    /// <summary>The tenant's ids processed after <paramref name="since"/>, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<(string EventId, DateTimeOffset At)>> RecentAsync(string tenantId, DateTimeOffset since, int limit);

    /// <summary>Forgets ids processed before the cutoff (older than any provider retries).</summary>
    Task<int> PurgeAsync(DateTimeOffset cutoff);
}

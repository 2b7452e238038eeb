using BetterData.Grains.Hosting;

namespace BetterData.Grains.Delivery;

/// <summary>
/// The embedded-mode store: nothing is durable, like the rest of embedded mode. Each endpoint keeps a due index
/// (sorted set) so that enqueueing and claiming cost O(log n) whatever the backlog.
/// </summary>
public sealed class InMemoryDeliveryStore : IDeliveryStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, MessageRow> messages = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, string Key), string> keys = [];
    private readonly Dictionary<string, DeliveryRow> deliveries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EndpointRows> endpoints = new(StringComparer.Ordinal);

    public Task<StoredMessage?> FindByKeyAsync(string tenantId, string idempotencyKey, DateTimeOffset since)
    {
        lock (gate)
        {
            return Task.FromResult(keys.TryGetValue((tenantId, idempotencyKey), out var earlierId)
                && messages.TryGetValue(earlierId, out var earlier) && earlier.Message.Timestamp > since
                    ? new StoredMessage(earlier.Message, earlier.FannedOut)
                    : null);
        }
    }

    public Task<IReadOnlyList<bool>> SaveAsync(OutboundMessage message, string? idempotencyKey, IReadOnlyList<NewDelivery> deliveries, DateTimeOffset dueAt)
    {
        lock (gate)
        {
            messages.TryAdd(message.Id, new MessageRow(message));
            if (idempotencyKey is not null)
            {
                keys[(message.TenantId, idempotencyKey)] = message.Id;
            }

            return Task.FromResult<IReadOnlyList<bool>>([.. deliveries.Select(d => Add(d, message, dueAt))]);
        }
    }

    public Task MarkFannedOutAsync(string messageId)
    {
        lock (gate)
        {
            if (messages.TryGetValue(messageId, out var row))
            {
                row.FannedOut = true;
            }
        }

        return Task.CompletedTask;
    }

    private bool Add(NewDelivery delivery, OutboundMessage message, DateTimeOffset dueAt)
    {
        var rows = Rows(delivery.EndpointId);
        if (rows.ByMessage.ContainsKey(message.Id))
        {
            return false;
        }

        var row = new DeliveryRow(delivery.DeliveryId, delivery.EndpointId, message, dueAt) { NextAttemptAt = dueAt };
        deliveries[delivery.DeliveryId] = row;
        rows.ByMessage[message.Id] = row;
        rows.Due.Add((dueAt, delivery.DeliveryId));
        return true;
    }

    public Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(string endpointId, DateTimeOffset now, int max, DateTimeOffset leaseUntil, IReadOnlyCollection<string> exclude)
    {
        var claimed = new List<DeliveryRow>();
        lock (gate)
        {
            var rows = Rows(endpointId);
            foreach (var (due, id) in rows.Due)
            {
                if (claimed.Count >= max || due > now)
                {
                    break;
                }

                if (!exclude.Contains(id))
                {
                    claimed.Add(deliveries[id]);
                }
            }

            claimed.ForEach(row => Reschedule(rows, row, leaseUntil));
            return Task.FromResult<IReadOnlyList<DueDelivery>>(
                [.. claimed.Select(row => new DueDelivery(row.Id, row.Message.Id, row.Message.Body, row.Attempts.Count, row.Manual))]);
        }
    }

    public Task<DateTimeOffset?> NextDueAsync(string endpointId, IReadOnlyCollection<string> exclude)
    {
        lock (gate)
        {
            foreach (var (due, id) in Rows(endpointId).Due)
            {
                if (!exclude.Contains(id))
                {
                    return Task.FromResult<DateTimeOffset?>(due);
                }
            }

            return Task.FromResult<DateTimeOffset?>(null);
        }
    }

    public Task RecordAttemptAsync(string deliveryId, DeliveryAttempt attempt, DeliveryStatus status, DateTimeOffset? nextAttemptAt)
    {
        lock (gate)
        {
            if (deliveries.TryGetValue(deliveryId, out var row))
            {
                row.Attempts.Add(attempt);
                row.Status = status;
                row.Manual = false;
                row.UpdatedAt = attempt.At;
                Reschedule(Rows(row.EndpointId), row, nextAttemptAt);
            }
        }

        return Task.CompletedTask;
    }

    public Task<DeliveryPage> ListAsync(string endpointId, DeliveryQuery query)
    {
        var after = KeysetCursor.Decode(query.Cursor);
        lock (gate)
        {
            var items = Rows(endpointId).ByMessage.Values
                .Where(r => query.Status is null || r.Status == query.Status)
                .Where(r => query.EventType is null || r.Message.Type == query.EventType)
                .Where(r => query.Since is null || r.CreatedAt >= query.Since)
                .Where(r => query.Until is null || r.CreatedAt < query.Until)
                .Where(r => after is null || r.CreatedAt < after.Value.CreatedAt
                    || (r.CreatedAt == after.Value.CreatedAt && string.CompareOrdinal(r.Id, after.Value.Id) < 0))
                .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal)
                .Take(query.Limit + 1)
                .Select(r => r.Summary())
                .ToList();
            var next = items.Count > query.Limit ? KeysetCursor.Encode(items[query.Limit - 1].CreatedAt, items[query.Limit - 1].Id) : null;
            return Task.FromResult(new DeliveryPage(items.Take(query.Limit).ToList(), next));
        }
    }

    public Task<DeliveryDetail?> GetAsync(string endpointId, string deliveryId)
    {
        lock (gate)
        {
            return Task.FromResult(deliveries.TryGetValue(deliveryId, out var row) && row.EndpointId == endpointId
                ? new DeliveryDetail(row.Summary(), row.Attempts.ToList())
                : null);
        }
    }

    public Task<bool> ScheduleManualAsync(string endpointId, string deliveryId, DateTimeOffset now)
    {
        lock (gate)
        {
            if (!deliveries.TryGetValue(deliveryId, out var row) || row.EndpointId != endpointId)
            {
                return Task.FromResult(false);
            }

            MakeManual(row, now);
            return Task.FromResult(true);
        }
    }

    public Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now)
    {
        lock (gate)
        {
            var failed = Rows(endpointId).ByMessage.Values.Where(r => r.Status == DeliveryStatus.Failed && r.CreatedAt >= since).ToList();
            failed.ForEach(r => MakeManual(r, now));
            return Task.FromResult(failed.Count);
        }
    }

    public Task DeleteEndpointAsync(string endpointId)
    {
        lock (gate)
        {
            if (endpoints.Remove(endpointId, out var rows))
            {
                foreach (var row in rows.ByMessage.Values)
                {
                    deliveries.Remove(row.Id);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<(long Pending, long Retrying)> CountUnfinishedAsync()
    {
        lock (gate)
        {
            return Task.FromResult<(long, long)>((
                deliveries.Values.LongCount(r => r.Status == DeliveryStatus.Pending),
                deliveries.Values.LongCount(r => r.Status == DeliveryStatus.Retrying)));
        }
    }

    public Task<int> PurgeAsync(DateTimeOffset cutoff)
    {
        lock (gate)
        {
            var old = deliveries.Values.Where(r => r.Status >= DeliveryStatus.Succeeded && r.UpdatedAt < cutoff).ToList();
            foreach (var row in old)
            {
                deliveries.Remove(row.Id);
                Rows(row.EndpointId).ByMessage.Remove(row.Message.Id);
            }

            var referenced = deliveries.Values.Select(d => d.Message.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var message in messages.Values.Where(m => m.Message.Timestamp < cutoff && !referenced.Contains(m.Message.Id)).ToList())
            {
                messages.Remove(message.Message.Id);
            }

            foreach (var key in keys.Where(k => !messages.ContainsKey(k.Value)).Select(k => k.Key).ToList())
            {
                keys.Remove(key);
            }

            return Task.FromResult(old.Count);
        }
    }

    private void MakeManual(DeliveryRow row, DateTimeOffset now)
    {
        row.Manual = true;
        row.Status = DeliveryStatus.Retrying;
        Reschedule(Rows(row.EndpointId), row, now);
    }

    private static void Reschedule(EndpointRows rows, DeliveryRow row, DateTimeOffset? next)
    {
        if (row.NextAttemptAt is { } current)
        {
            rows.Due.Remove((current, row.Id));
        }

        row.NextAttemptAt = next;
        if (next is { } due)
        {
            rows.Due.Add((due, row.Id));
        }
    }

    private EndpointRows Rows(string endpointId)
    {
        if (!endpoints.TryGetValue(endpointId, out var rows))
        {
            rows = new EndpointRows();
            endpoints[endpointId] = rows;
        }

        return rows;
    }

    private sealed class MessageRow(OutboundMessage message)
    {
        public OutboundMessage Message { get; } = message;
        public bool FannedOut { get; set; }
    }

    private sealed class EndpointRows
    {
        public Dictionary<string, DeliveryRow> ByMessage { get; } = new(StringComparer.Ordinal);
        public SortedSet<(DateTimeOffset Due, string Id)> Due { get; } = [];
    }

    private sealed class DeliveryRow(string id, string endpointId, OutboundMessage message, DateTimeOffset createdAt)
    {
        public string Id { get; } = id;
        public string EndpointId { get; } = endpointId;
        public OutboundMessage Message { get; } = message;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public DateTimeOffset UpdatedAt { get; set; } = createdAt;
        public DeliveryStatus Status { get; set; } = DeliveryStatus.Pending;
        public DateTimeOffset? NextAttemptAt { get; set; }
        public bool Manual { get; set; }
        public List<DeliveryAttempt> Attempts { get; } = [];

        public DeliverySummary Summary() => new(Id, Message.Id, Message.Type, Status, Attempts.Count, CreatedAt, NextAttemptAt);
    }
}

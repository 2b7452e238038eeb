namespace BetterData.Grains.Delivery;

/// <summary>
/// Where messages, deliveries and attempts live (PostgreSQL tables of ours, or memory in embedded mode), so that
/// endpoint grain state does not grow with the backlog or the log. Every write is idempotent where a retry of the
/// caller may repeat it.
/// </summary>
public interface IDeliveryStore
{
    /// <summary>
    /// The message the tenant published with the idempotency key since <paramref name="since"/>, and whether its
    /// fan-out finished; null when the key is unused in that window.
    /// </summary>
    Task<StoredMessage?> FindByKeyAsync(string tenantId, string idempotencyKey, DateTimeOffset since);

    /// <summary>
    /// Saves the message (with its idempotency key; saving it again changes nothing) and a delivery of it to each
    /// endpoint, pending and due at <paramref name="dueAt"/> (no lease), in one write: a publish costs one commit. For
    /// each delivery in order: true when it was added, false when the endpoint already had a delivery of the message
    /// (a publish repeated after it stopped half-way; then that endpoint's delivery is left as it is).
    /// </summary>
    Task<IReadOnlyList<bool>> SaveAsync(OutboundMessage message, string? idempotencyKey, IReadOnlyList<NewDelivery> deliveries, DateTimeOffset dueAt);

    Task MarkFannedOutAsync(string messageId);

    /// <summary>
    /// Takes up to <paramref name="max"/> deliveries due at <paramref name="now"/>, other than those in
    /// <paramref name="exclude"/> (what the caller is already sending or holding), and leases them until
    /// <paramref name="leaseUntil"/> (so a crash mid-send makes them due again then).
    /// </summary>
    Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(string endpointId, DateTimeOffset now, int max, DateTimeOffset leaseUntil, IReadOnlyCollection<string> exclude);

    /// <summary>The earliest next attempt of the endpoint's unfinished deliveries other than those in <paramref name="exclude"/>.</summary>
    Task<DateTimeOffset?> NextDueAsync(string endpointId, IReadOnlyCollection<string> exclude);

    /// <summary>Appends the attempt and sets the delivery's status and next attempt (null when finished).</summary>
    Task RecordAttemptAsync(string deliveryId, DeliveryAttempt attempt, DeliveryStatus status, DateTimeOffset? nextAttemptAt);

    Task<DeliveryPage> ListAsync(string endpointId, DeliveryQuery query);

    Task<DeliveryDetail?> GetAsync(string endpointId, string deliveryId);

    /// <summary>Makes the delivery due now as a manual attempt.</summary>
    Task<bool> ScheduleManualAsync(string endpointId, string deliveryId, DateTimeOffset now);

    /// <summary>Makes every failed delivery created since <paramref name="since"/> due now (manual).</summary>
    Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now);

    Task DeleteEndpointAsync(string endpointId);

    /// <summary>How many deliveries are waiting for their first attempt and how many for a retry, across all endpoints.</summary>
    Task<(long Pending, long Retrying)> CountUnfinishedAsync();

    /// <summary>Removes finished deliveries last touched before the cutoff, and messages nothing refers to.</summary>
    Task<int> PurgeAsync(DateTimeOffset cutoff);
}

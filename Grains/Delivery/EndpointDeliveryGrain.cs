using BetterData.Grains.Events;
using BetterData.Grains.Hosting;
using BetterData.Grains.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Delivery;

/// <summary>
/// Delivers one endpoint's messages. The due time of every pending attempt is in the store; a one-shot grain timer
/// wakes the active grain for waits under a minute, and a reminder (registered while anything is pending) is the
/// durable wake-up after a crash, deactivation or restart. Sends run outside the grain's turns and report back
/// through <see cref="RecordAttemptAsync"/>, so a slow receiver never holds up enqueueing or the API.
/// </summary>
public sealed partial class EndpointDeliveryGrain(
    [PersistentState("endpoint-delivery", StorageNames.Default)] IPersistentState<EndpointDeliveryState> state,
    IDeliveryStore store,
    WebhookSender sender,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<EndpointDeliveryGrain> logger) : Grain, IEndpointDeliveryGrain, IRemindable
{
    private const string ReminderName = "delivery-wake";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(30);

    // A floor for the one-shot timer so a due-now wake-up cannot spin.
    private static readonly TimeSpan MinTimerDelay = TimeSpan.FromMilliseconds(50);

    private readonly HashSet<string> inFlight = new(StringComparer.Ordinal);
    private IGrainTimer? timer;
    private DateTimeOffset rateWindow;
    private int sentInWindow;

    private string Id => this.GetPrimaryKeyString();

    private bool Active => state.State is { Spec.Enabled: true, Deleted: false, DisabledReason: null };

    public async Task<string> CreateAsync(string tenantId, EndpointSpec spec, string? secret = null)
    {
        if (state.State.Spec is not null)
        {
            throw new InvalidOperationException($"Endpoint {Id} already exists.");
        }

        secret ??= StandardWebhookSignature.NewSecret();
        state.State = new EndpointDeliveryState
        {
            TenantId = tenantId,
            Spec = spec,
            Secrets = [new EndpointSecret(secret, null)],
            CreatedAt = time.GetUtcNow(),
        };
        await state.WriteStateAsync();
        return secret;
    }

    public Task<EndpointInfo?> GetAsync() => Task.FromResult(Info());

    public async Task<EndpointInfo?> UpdateAsync(EndpointPatch patch)
    {
        if (state.State is not { Spec: { } spec, Deleted: false })
        {
            return null;
        }

        state.State.Spec = spec with
        {
            Url = patch.Url ?? spec.Url,
            Description = patch.Description ?? spec.Description,
            EventTypes = patch.EventTypes ?? spec.EventTypes,
            Enabled = patch.Enabled ?? spec.Enabled,
            Headers = patch.Headers ?? spec.Headers,
            RateLimitPerSecond = patch.RateLimitPerSecond ?? spec.RateLimitPerSecond,
        };
        if (patch.Enabled is true)
        {
            // Re-enabling resumes: the failure window starts again and the backlog is delivered.
            state.State.DisabledReason = null;
            state.State.FailingSince = null;
        }

        await state.WriteStateAsync();
        await ProcessDueAsync();
        return Info();
    }

    public async Task DeleteAsync()
    {
        state.State.Deleted = true;
        timer?.Dispose();
        await store.DeleteEndpointAsync(Id);
        await SetReminderAsync(false);
        await state.WriteStateAsync();
        DeactivateOnIdle();
    }

    public async Task<string?> RotateSecretAsync()
    {
        if (state.State is not { Spec: not null, Deleted: false })
        {
            return null;
        }

        var now = time.GetUtcNow();
        var secret = StandardWebhookSignature.NewSecret();
        state.State.Secrets = state.State.Secrets
            .Where(s => s.ExpiresAt is null || s.ExpiresAt > now)
            .Select(s => s.ExpiresAt is null ? s with { ExpiresAt = now + options.Value.SecretOverlap } : s)
            .Prepend(new EndpointSecret(secret, null))
            .ToList();
        await state.WriteStateAsync();
        return secret;
    }

    public async Task EnqueueAsync(OutboundMessage message)
    {
        if (state.State is not { Spec: not null, Deleted: false })
        {
            return;
        }

        // Time-ordered ids keep the log's keyset paging stable.
        var deliveryId = "dlv_" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        await store.EnqueueAsync(Id, deliveryId, message, time.GetUtcNow());
        await ProcessDueAsync();
    }

    public Task ProcessDueAsync() => ProcessDueAsync(fromReminder: false);

    private async Task ProcessDueAsync(bool fromReminder)
    {
        if (!Active)
        {
            await ScheduleWakeAsync(fromReminder);
            return;
        }

        var now = time.GetUtcNow();
        var slots = Math.Min(options.Value.MaxInFlightPerEndpoint - inFlight.Count, RateSlots(now));
        if (slots > 0)
        {
            var due = await store.ClaimDueAsync(Id, now, slots, now + options.Value.AttemptTimeout + LeaseMargin);
            sentInWindow += due.Count;
            foreach (var delivery in due)
            {
                Start(delivery);
            }
        }

        await ScheduleWakeAsync(fromReminder);
    }

    public async Task RecordAttemptAsync(AttemptOutcome outcome)
    {
        inFlight.Remove(outcome.DeliveryId);
        var attempt = outcome.Attempt;
        var now = time.GetUtcNow();
        DeliveryStatus status;
        DateTimeOffset? next = null;
        var changed = false;
        if (attempt.ErrorKind is null)
        {
            status = DeliveryStatus.Succeeded;
            changed = state.State.FailingSince is not null;
            state.State.FailingSince = null;
            state.State.LastSuccessAt = now;
        }
        else
        {
            var delay = attempt.StatusCode == 410 ? null : RetryPolicy.NextDelay(options.Value, outcome.AttemptNumber, outcome.RetryAfter, Random.Shared.NextDouble());
            status = delay is null ? DeliveryStatus.Failed : DeliveryStatus.Retrying;
            if (delay is not null)
            {
                DeliveryMetrics.RetriesScheduled.Add(1);
            }

            next = now + delay;
            if (state.State.FailingSince is null)
            {
                state.State.FailingSince = now;
                changed = true;
            }

            if (attempt.StatusCode == 410)
            {
                changed |= await DisableAsync("gone", "The endpoint answered 410 Gone.");
            }
            else if (now - state.State.FailingSince > options.Value.FailureWindow)
            {
                changed |= await DisableAsync("failing", $"Every delivery has failed since {state.State.FailingSince:O}.");
            }
        }

        await store.RecordAttemptAsync(outcome.DeliveryId, attempt, status, next);
        if (changed)
        {
            await state.WriteStateAsync();
        }

        await ProcessDueAsync();
    }

    public Task<DeliveryPage> ListDeliveriesAsync(DeliveryQuery query) => store.ListAsync(Id, query);

    public Task<DeliveryDetail?> GetDeliveryAsync(string deliveryId) => store.GetAsync(Id, deliveryId);

    public async Task<bool> RetryDeliveryAsync(string deliveryId)
    {
        var found = await store.ScheduleManualAsync(Id, deliveryId, time.GetUtcNow());
        await ProcessDueAsync();
        return found;
    }

    public async Task<int> RecoverAsync(DateTimeOffset since)
    {
        var count = await store.RecoverAsync(Id, since, time.GetUtcNow());
        await ProcessDueAsync();
        return count;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => ProcessDueAsync(fromReminder: true);

    private void Start(DueDelivery delivery)
    {
        var spec = state.State.Spec!;
        var now = time.GetUtcNow();
        var request = new SendRequest(
            Id,
            new Uri(spec.Url),
            spec.Headers,
            state.State.Secrets.Where(s => s.ExpiresAt is null || s.ExpiresAt > now).Select(s => StandardWebhookSignature.SecretBytes(s.Secret)).ToList(),
            delivery.MessageId,
            delivery.Body,
            delivery.Manual ? "manual" : "scheduled");
        inFlight.Add(delivery.DeliveryId);
        var self = this.AsReference<IEndpointDeliveryGrain>();
        var attemptNumber = delivery.Attempts + 1;

        // Off the grain's scheduler: the HTTP call must not hold a turn. The result comes back as a grain call; if
        // this process dies first, the claim's lease expires and the delivery is due again.
        _ = Task.Run(async () =>
        {
            try
            {
                var (attempt, retryAfter) = await sender.SendAsync(request);
                await self.RecordAttemptAsync(new AttemptOutcome(delivery.DeliveryId, attemptNumber, attempt, retryAfter));
            }
            catch (Exception ex)
            {
                LogSendFailed(logger, ex, request.EndpointId, delivery.DeliveryId);
            }
        });
    }

    private int RateSlots(DateTimeOffset now)
    {
        if (state.State.Spec?.RateLimitPerSecond is not { } limit)
        {
            return int.MaxValue;
        }

        if (now - rateWindow >= TimeSpan.FromSeconds(1))
        {
            rateWindow = now;
            sentInWindow = 0;
        }

        return limit - sentInWindow;
    }

    // The reminder is registered as soon as anything is pending, but unregistered only by a reminder tick that finds
    // nothing: a queue that empties and refills between ticks (any busy endpoint) would otherwise write the reminder
    // table and the grain state on every transition.
    private async Task ScheduleWakeAsync(bool fromReminder)
    {
        timer?.Dispose();
        timer = null;
        if (Active && inFlight.Count > 0)
        {
            // Something is pending (the sends in flight), and each finishing send calls ProcessDueAsync, which claims
            // what is due and schedules again: no need to ask the store for the next due time on every claim.
            await SetReminderAsync(true);
            return;
        }

        var next = Active ? await store.NextDueAsync(Id) : null;
        if (next is not null || fromReminder)
        {
            await SetReminderAsync(next is not null);
        }

        if (next is null || inFlight.Count >= options.Value.MaxInFlightPerEndpoint)
        {
            return; // nothing to wait for, or a finishing send will call ProcessDueAsync.
        }

        var delay = next.Value - time.GetUtcNow();
        if (state.State.Spec?.RateLimitPerSecond is not null && RateSlots(time.GetUtcNow()) <= 0)
        {
            delay = rateWindow + TimeSpan.FromSeconds(1) - time.GetUtcNow();
        }

        if (delay < ReminderPeriod)
        {
            timer = this.RegisterGrainTimer(
                _ => ProcessDueAsync(),
                new GrainTimerCreationOptions { DueTime = delay < MinTimerDelay ? MinTimerDelay : delay, Period = Timeout.InfiniteTimeSpan });
        }
    }

    private async Task SetReminderAsync(bool pending)
    {
        if (pending == state.State.ReminderRegistered)
        {
            return;
        }

        if (pending)
        {
            await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
        }
        else if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        state.State.ReminderRegistered = pending;
        await state.WriteStateAsync();
    }

    private async Task<bool> DisableAsync(string reason, string summary)
    {
        if (state.State.DisabledReason is not null)
        {
            return false;
        }

        state.State.DisabledReason = reason;
        LogDisabled(logger, Id, reason);
        DeliveryMetrics.EndpointsDisabled.Add(1, new KeyValuePair<string, object?>("reason", reason));
        if (state.State.Spec?.Managed != true || state.State.TenantId != OpsAlertsGrain.PlatformTenant)
        {
            await GrainFactory.GetGrain<IOpsAlertsGrain>(IOpsAlertsGrain.Key).RaiseAsync(new OpsAlert(
                "endpoint_disabled", state.State.TenantId, $"Endpoint {Id} disabled ({reason}). {summary}",
                System.Text.Json.JsonSerializer.Serialize(new { endpointId = Id, reason }), time.GetUtcNow()));
        }

        return true;
    }

    private EndpointInfo? Info() => state.State is { Spec: { } spec, Deleted: false } s
        ? new EndpointInfo(Id, s.TenantId, spec.Url, spec.Description, spec.EventTypes, spec.Enabled && s.DisabledReason is null,
            s.DisabledReason, spec.Headers, spec.RateLimitPerSecond, spec.Managed, s.CreatedAt, s.FailingSince)
        : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint {EndpointId} disabled: {Reason}")]
    private static partial void LogDisabled(ILogger logger, string endpointId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Send for endpoint {EndpointId}, delivery {DeliveryId} could not be recorded; it is retried when its lease expires")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string endpointId, string deliveryId);
}

using BetterData.Grains.Events;
using BetterData.Grains.Hosting;
using BetterData.Grains.Security;
using BetterData.Grains.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace BetterData.Grains.Delivery;

/// <summary>
/// Delivers one endpoint's messages. The due time of every pending attempt is in the store; a one-shot grain timer
/// wakes the active grain for waits under a minute, and a reminder (registered while anything is pending) is the
/// durable wake-up after a crash, deactivation or restart. Sends run on the thread pool, outside the grain's turns,
/// and their outcomes are recorded back on the grain's scheduler (<see cref="RecordAttemptAsync"/>), so a slow
/// receiver never holds up publishing or the API; a send's slot is free again as soon as its response is in, while
/// its attempt is written (group-committed).
/// <para>
/// Hand-off: the publish stores each delivery together with its message and offers it to the endpoint
/// (<see cref="OfferAsync"/>); offered while an in-flight slot is free, it is sent at once with the body the grain was
/// given; offered while every slot is taken, it waits in a bounded in-memory ready queue. Neither has a lease in the
/// store (its next attempt stays at its publish time), so if the process dies first it is simply due at once after
/// the restart, where the reminder finds it: at least once, receivers dedupe on <c>webhook-id</c>. The store is
/// asked for due work (claim, next due time) only when it may hold some that this activation does not:
/// <see cref="storeDueAt"/> is a lower bound of that, and claims exclude what the activation holds, so one
/// activation never sends a delivery twice at once.
/// </para>
/// <para>
/// Reentrant: a turn awaits only the store (whose writes are group-committed) or a rare state write, and calls
/// interleave at those awaits, so concurrent offers and finished sends for one endpoint share commits instead of
/// queueing behind each other (and a stream of offers cannot starve the reports of finished sends). In-flight
/// slots are reserved while a claim runs, state writes and reminder changes take turns, and the store-due bound is
/// versioned, so nothing depends on a turn running alone.
/// </para>
/// </summary>
[Reentrant]
public sealed partial class EndpointDeliveryGrain(
    [PersistentState("endpoint-delivery", StorageNames.Default)] IPersistentState<EndpointDeliveryState> state,
    IDeliveryStore store,
    WebhookSender sender,
    SecretProtector protector,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<EndpointDeliveryGrain> logger) : Grain, IEndpointDeliveryGrain, IRemindable
{
    private const string ReminderName = "delivery-wake";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    // A floor for the one-shot timer so a due-now wake-up cannot spin.
    private static readonly TimeSpan MinTimerDelay = TimeSpan.FromMilliseconds(50);

    // The ready queue's bound (deliveries and body characters); beyond it deliveries wait only in the store.
    private const int ReadyCapacity = 1024;
    private const long ReadyCharsCapacity = 8L * 1024 * 1024;

    // How many deliveries one claim may take beyond the free slots, into the ready queue (a backlog drains in
    // batches instead of one claim per send).
    private const int MaxPrefetch = 256;

    // How many claimed delivery ids are remembered, so that a publish's hand-off arriving after a claim took the
    // same (just stored) delivery does not send it twice: the gap is one grain call, far less than 16 claims.
    private const int ClaimedMemory = 16 * (MaxPrefetch + 16);

    // Set when Orleans deactivates this activation (idle collection, shutdown, deletion), while it can still make a
    // reference (an invalid activation's GrainFactory throws): from then on sends report through it, to the
    // activation that replaces this one, and nothing new starts here.
    private IEndpointDeliveryGrain? successor;

    // The endpoint's URL parsed once per URL rather than per attempt.
    private (string Url, Uri Uri)? target;
    private readonly HashSet<string> inFlight = new(StringComparer.Ordinal);
    private readonly HashSet<string> recording = new(StringComparer.Ordinal);
    private readonly Queue<string> claimedOrder = new();
    private readonly HashSet<string> claimedRecently = new(StringComparer.Ordinal);
    private readonly Queue<string> readyOrder = new();
    private readonly Dictionary<string, DueDelivery> ready = new(StringComparer.Ordinal);
    private readonly HashSet<string> startedWhileClaiming = new(StringComparer.Ordinal);
    private Task stateWrites = Task.CompletedTask;
    private bool claimRunning;
    private long readyChars;
    private int claiming;

    // A lower bound for the next attempt of the store's unfinished deliveries that are neither in flight nor ready
    // here: MinValue is unknown (ask the store), null is none. Lowered by everything that can make store work due;
    // replaced only from the store (a short claim, or NextDue), and the version guards that against a lowering that
    // happened while the store was being asked.
    private DateTimeOffset? storeDueAt = DateTimeOffset.MinValue;
    private long storeDueVersion;
    private IGrainTimer? timer;

    // The start times of this activation's sends in the last second, oldest first, while the endpoint has a rate
    // limit: a sliding window, so no one-second interval ever holds more sends than the limit (a fixed window lets
    // twice the limit through around its boundary). Written by hand: System.Threading.RateLimiting's limiters keep
    // their own clock, and this one runs on the injected TimeProvider. At most the limit's count of entries.
    private readonly Queue<DateTimeOffset> recentSends = new();

    // The signing secrets in clear (the state holds them encrypted), decoded once per activation and per change, as keys
    // whose keyed hashes are reused from send to send. Without an expiring one (outside a rotation's overlap) every
    // send signs with all of them, and takes that list as it is.
    private IReadOnlyList<(HmacKey Key, DateTimeOffset? ExpiresAt)> signingKeys = [];
    private IReadOnlyList<HmacKey>? unexpiringKeys = [];

    // Whether this activation rewrote the stored secrets under the active key.
    private bool resealed;

    private string Id => this.GetPrimaryKeyString();

    private string SecretPurpose => "endpoint-secret/" + Id;

    private bool Active => state.State is { Spec.Enabled: true, Deleted: false, DisabledReason: null };

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var clear = ClearSecrets();
        UseSigningKeys(clear);
        // Stored in clear (before encryption existed) or under a retired key: rewrite them under the active key. Keys
        // change only with a restart, so this is the one place that can find any.
        if (state.State.Secrets.Any(s => protector.NeedsProtecting(s.Secret)))
        {
            state.State.Secrets = clear.Select(c => new EndpointSecret(protector.Protect(c.Secret, SecretPurpose), c.ExpiresAt)).ToList();
            await state.WriteStateAsync(cancellationToken);
            resealed = true;
        }
    }

    public Task<bool> ResealSecretsAsync() => Task.FromResult(resealed);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        successor = GrainFactory.Reference<IEndpointDeliveryGrain>(Id);
        return Task.CompletedTask;
    }

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
            Secrets = [new EndpointSecret(protector.Protect(secret, SecretPurpose), null)],
            CreatedAt = time.GetUtcNow(),
        };
        UseSigningKeys([(secret, null)]);
        await SaveStateAsync();
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

        await SaveStateAsync();
        await ProcessDueAsync();
        return Info();
    }

    public async Task DeleteAsync()
    {
        state.State.Deleted = true;
        // A deleted endpoint signs nothing again: its secrets go too.
        state.State.Secrets = [];
        UseSigningKeys([]);
        timer?.Dispose();
        ready.Clear();
        readyOrder.Clear();
        readyChars = 0;
        await store.DeleteEndpointAsync(Id);
        await SetReminderAsync(false);
        await SaveStateAsync();
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
            .Prepend(new EndpointSecret(protector.Protect(secret, SecretPurpose), null))
            .ToList();
        // Derived from the state rather than edited alongside it (a rotation is rare; decrypting two secrets is cheap).
        UseSigningKeys(ClearSecrets());
        await SaveStateAsync();
        return secret;
    }

    public async Task OfferAsync(string deliveryId, OutboundMessage message, bool added)
    {
        if (state.State is not { Spec: not null, Deleted: false })
        {
            // Matched while it was being deleted: the endpoint's deliveries go with it.
            await store.DeleteEndpointAsync(Id);
            return;
        }

        if (!added || !Active)
        {
            // The endpoint already had a delivery of this message (a repeated publish), or it is disabled (the store
            // keeps the delivery for re-enabling): either way the store has it.
            LowerStoreDue(time.GetUtcNow());
        }
        else if (!Holds(deliveryId) && !claimedRecently.Contains(deliveryId))
        {
            // Not already taken by a claim that ran between the publish's write and this call.
            Offer(new DueDelivery(deliveryId, message.Id, message.Body, 0, false));
        }

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

        // The ready queue first (bounded, so what waits in the store waits behind at most that many), then the store:
        // for a free slot, or to refill the ready queue in one claim once a prefetch's worth of it has drained.
        Pump();
        if (!claimRunning && storeDueAt <= time.GetUtcNow() && (FreeSlots() > 0 || PrefetchRoom() >= MaxPrefetch))
        {
            await ClaimAsync();
        }

        await ScheduleWakeAsync(fromReminder);
    }

    public async Task RecordAttemptAsync(AttemptOutcome outcome)
    {
        // The send is over, so its slot is free for the next one at once; until its attempt is written the delivery
        // stays excluded from claims.
        inFlight.Remove(outcome.DeliveryId);
        if (state.State.Deleted)
        {
            return;
        }

        recording.Add(outcome.DeliveryId);
        Pump();
        var attempt = outcome.Attempt;
        var now = time.GetUtcNow();
        var (status, next) = Decide(options.Value, attempt, outcome.AttemptNumber, outcome.RetryAfter, now);
        try
        {
            await store.RecordAttemptAsync(outcome.DeliveryId, attempt, status, next);
        }
        catch
        {
            // The store still has the delivery as before the send: leased, or due at once if it was handed off. Try
            // again after a lease's time either way, as an expiring lease would.
            LowerStoreDue(time.GetUtcNow() + options.Value.AttemptTimeout + LeaseMargin);
            throw;
        }
        finally
        {
            recording.Remove(outcome.DeliveryId);
        }

        var changed = false;
        if (attempt.ErrorKind is null)
        {
            changed = state.State.FailingSince is not null;
            state.State.FailingSince = null;
            state.State.LastSuccessAt = now;
        }
        else
        {
            if (next is { } retryAt)
            {
                LowerStoreDue(retryAt);
            }

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

        if (changed)
        {
            await SaveStateAsync();
        }

        await ProcessDueAsync();
    }

    public Task<DeliveryPage> ListDeliveriesAsync(DeliveryQuery query) => store.ListAsync(Id, query);

    public Task<DeliveryDetail?> GetDeliveryAsync(string deliveryId) => store.GetAsync(Id, deliveryId);

    public async Task<bool> RetryDeliveryAsync(string deliveryId)
    {
        // Out of the ready queue, so that the claim sends it as the manual attempt it now is.
        RemoveReady(deliveryId);
        var now = time.GetUtcNow();
        LowerStoreDue(now);
        var found = await store.ScheduleManualAsync(Id, deliveryId, now);
        await ProcessDueAsync();
        return found;
    }

    public async Task<int> RecoverAsync(DateTimeOffset since)
    {
        var now = time.GetUtcNow();
        LowerStoreDue(now);
        var count = await store.RecoverAsync(Id, since, now);
        await ProcessDueAsync();
        return count;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => ProcessDueAsync(fromReminder: true);

    // A stored delivery the grain holds: sent at once if a slot is free and nothing is waiting ahead of it, else
    // ready (or, when the ready queue is full, left to the store).
    private void Offer(DueDelivery delivery)
    {
        if (ready.Count == 0 && FreeSlots() > 0)
        {
            Start(delivery);
        }
        else if (ready.Count < ReadyCapacity && readyChars + delivery.Body.Length <= ReadyCharsCapacity)
        {
            AddReady(delivery);
        }
        else
        {
            LowerStoreDue(time.GetUtcNow());
        }
    }

    // Starts ready deliveries while slots are free.
    private void Pump()
    {
        while (Active && ready.Count > 0 && FreeSlots() > 0 && readyOrder.TryDequeue(out var id))
        {
            if (ready.Remove(id, out var delivery))
            {
                readyChars -= delivery.Body.Length;
                Start(delivery);
            }
        }
    }

    // Claims due deliveries from the store for the free slots, and up to MaxPrefetch more into the ready queue. One
    // claim runs at a time; its slots are reserved while it runs (offers and finished sends interleave), and what
    // was started meanwhile is not started again if the claim returns it (it can, when its hand-off began after the
    // claim was sent; the attempt's own write then replaces the lease). A short claim means the store has nothing
    // more due now, so its next due time is read.
    private async Task ClaimAsync()
    {
        var now = time.GetUtcNow();
        var slots = Math.Max(FreeSlots(), 0);
        var max = slots + PrefetchRoom();
        if (max == 0)
        {
            return;
        }

        var version = storeDueVersion;
        IReadOnlyList<DueDelivery> due;
        claiming += slots;
        claimRunning = true;
        try
        {
            due = await store.ClaimDueAsync(Id, now, max, now + options.Value.AttemptTimeout + LeaseMargin, Held());
        }
        finally
        {
            claiming -= slots;
            claimRunning = false;
        }

        var startedMeanwhile = startedWhileClaiming.ToHashSet(StringComparer.Ordinal);
        startedWhileClaiming.Clear();
        foreach (var delivery in due)
        {
            RememberClaimed(delivery.DeliveryId);
            if (inFlight.Contains(delivery.DeliveryId) || recording.Contains(delivery.DeliveryId) || startedMeanwhile.Contains(delivery.DeliveryId))
            {
                continue; // handed off while the claim ran
            }

            RemoveReady(delivery.DeliveryId);
            if (Active && FreeSlots() > 0)
            {
                Start(delivery);
            }
            else
            {
                AddReady(delivery);
            }
        }

        if (due.Count < max)
        {
            await RefreshStoreDueAsync(version);
        }
    }

    private int PrefetchRoom() => readyChars < ReadyCharsCapacity ? Math.Clamp(ReadyCapacity - ready.Count, 0, MaxPrefetch) : 0;

    private async Task RefreshStoreDueAsync(long? since = null)
    {
        var version = since ?? storeDueVersion;
        var next = await store.NextDueAsync(Id, Held());
        storeDueAt = storeDueVersion == version ? next : Earliest(storeDueAt, next);
    }

    private void LowerStoreDue(DateTimeOffset at)
    {
        storeDueVersion++;
        storeDueAt = Earliest(storeDueAt, at);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private HashSet<string> Held()
    {
        var held = new HashSet<string>(inFlight, StringComparer.Ordinal);
        held.UnionWith(recording);
        held.UnionWith(ready.Keys);
        return held;
    }

    private bool Holds(string deliveryId) => inFlight.Contains(deliveryId) || recording.Contains(deliveryId) || ready.ContainsKey(deliveryId);

    private void RememberClaimed(string deliveryId)
    {
        if (claimedRecently.Add(deliveryId))
        {
            claimedOrder.Enqueue(deliveryId);
            if (claimedOrder.Count > ClaimedMemory)
            {
                claimedRecently.Remove(claimedOrder.Dequeue());
            }
        }
    }

    private void AddReady(DueDelivery delivery)
    {
        if (ready.TryAdd(delivery.DeliveryId, delivery))
        {
            readyOrder.Enqueue(delivery.DeliveryId);
            readyChars += delivery.Body.Length;
        }
    }

    private void RemoveReady(string deliveryId)
    {
        if (ready.Remove(deliveryId, out var delivery))
        {
            readyChars -= delivery.Body.Length; // its id stays in readyOrder and is skipped there
        }
    }

    // None while deactivating: what is ready stays in the store, due, for the activation that replaces this one.
    private int FreeSlots() => successor is not null ? 0 : Math.Min(options.Value.MaxInFlightPerEndpoint - inFlight.Count - claiming, RateSlots(time.GetUtcNow()));

    private void Start(DueDelivery delivery)
    {
        var spec = state.State.Spec!;
        var now = time.GetUtcNow();
        if (target?.Url != spec.Url)
        {
            target = (spec.Url, new Uri(spec.Url));
        }

        var request = new SendRequest(
            Id,
            target.Value.Uri,
            spec.Headers,
            unexpiringKeys ?? [.. signingKeys.Where(k => k.ExpiresAt is null || k.ExpiresAt > now).Select(k => k.Key)],
            delivery.MessageId,
            delivery.Body,
            delivery.Manual ? "manual" : "scheduled");
        inFlight.Add(delivery.DeliveryId);
        if (spec.RateLimitPerSecond is not null)
        {
            recentSends.Enqueue(now);
        }

        if (claimRunning)
        {
            startedWhileClaiming.Add(delivery.DeliveryId);
        }

        _ = SendAsync(request, delivery.DeliveryId, delivery.Attempts + 1);
    }

    // The HTTP call runs on the thread pool (Task.Run), so it never holds a turn. The await resumes on the grain's
    // scheduler (a task started in grain code keeps it), so the outcome is recorded as one more interleaved step of
    // this reentrant grain, without a grain call. Once the activation is deactivating it must not start sends any
    // more, so the outcome then goes, as a grain call from the thread pool, to the activation that replaces it. If
    // this process dies first, the delivery is due again: when the claim's lease expires, or at once if it was
    // handed off without one.
    private async Task SendAsync(SendRequest request, string deliveryId, int attemptNumber)
    {
        try
        {
            var (attempt, retryAfter) = await Task.Run(() => sender.SendAsync(request));
            var outcome = new AttemptOutcome(deliveryId, attemptNumber, attempt, retryAfter);
            if (successor is { } next)
            {
                await Task.Run(() => next.RecordAttemptAsync(outcome));
            }
            else
            {
                await RecordAttemptAsync(outcome);
            }
        }
        catch (Exception ex)
        {
            LogSendFailed(logger, ex, request.EndpointId, deliveryId);
        }
    }

    // The delivery's status after an attempt, and its next attempt (null when finished): 410 Gone fails it at once,
    // other failures retry on the schedule (stretched by Retry-After) until it is exhausted.
    private static (DeliveryStatus Status, DateTimeOffset? Next) Decide(DeliveryOptions options, DeliveryAttempt attempt, int attemptNumber, TimeSpan? retryAfter, DateTimeOffset now)
    {
        if (attempt.ErrorKind is null)
        {
            return (DeliveryStatus.Succeeded, null);
        }

        var delay = attempt.StatusCode == 410 ? null : RetryPolicy.NextDelay(options, attemptNumber, retryAfter, Random.Shared.NextDouble());
        if (delay is null)
        {
            return (DeliveryStatus.Failed, null);
        }

        DeliveryMetrics.RetriesScheduled.Add(1);
        return (DeliveryStatus.Retrying, now + delay);
    }

    private int RateSlots(DateTimeOffset now)
    {
        if (state.State.Spec?.RateLimitPerSecond is not { } limit)
        {
            recentSends.Clear();
            return int.MaxValue;
        }

        while (recentSends.TryPeek(out var sent) && (now - sent >= RateWindow || recentSends.Count > limit))
        {
            recentSends.Dequeue(); // out of the window (or beyond a limit lowered since)
        }

        return limit - recentSends.Count;
    }

    // The reminder is registered as soon as anything is pending, but unregistered only by a reminder tick that finds
    // nothing: a queue that empties and refills between ticks (any busy endpoint) would otherwise write the reminder
    // table and the grain state on every transition.
    private async Task ScheduleWakeAsync(bool fromReminder)
    {
        timer?.Dispose();
        timer = null;
        if (Active && (inFlight.Count > 0 || recording.Count > 0 || claimRunning))
        {
            // Something is pending (the sends in flight), and each finishing send calls ProcessDueAsync, which claims
            // what is due and schedules again: no need to ask the store for the next due time on every claim.
            await SetReminderAsync(true);
            return;
        }

        if (Active && (fromReminder || storeDueAt == DateTimeOffset.MinValue))
        {
            await RefreshStoreDueAsync(); // a reminder tick asks the store itself, so a stale bound cannot linger
        }

        // Ready deliveries with nothing in flight are waiting for the rate limit's next window.
        var next = !Active ? null : ready.Count > 0 ? time.GetUtcNow() : storeDueAt;
        if (next is not null || fromReminder)
        {
            await SetReminderAsync(next is not null);
        }

        if (next is null || inFlight.Count >= options.Value.MaxInFlightPerEndpoint)
        {
            return; // nothing to wait for, or a finishing send will call ProcessDueAsync.
        }

        var delay = next.Value - time.GetUtcNow();
        if (RateSlots(time.GetUtcNow()) <= 0 && recentSends.TryPeek(out var oldest))
        {
            delay = oldest + RateWindow - time.GetUtcNow(); // when the oldest send leaves the window
        }

        if (delay < ReminderPeriod)
        {
            timer?.Dispose(); // another call's wake-up scheduled while this one awaited
            timer = this.RegisterGrainTimer(
                _ => ProcessDueAsync(),
                new GrainTimerCreationOptions { DueTime = delay < MinTimerDelay ? MinTimerDelay : delay, Period = Timeout.InfiniteTimeSpan, Interleave = true });
        }
    }

    private async Task SetReminderAsync(bool pending)
    {
        if (pending == state.State.ReminderRegistered)
        {
            return;
        }

        await InTurnAsync(() => SetReminderLockedAsync(pending));
    }

    private async Task SetReminderLockedAsync(bool pending)
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

    private Task SaveStateAsync() => InTurnAsync(state.WriteStateAsync);

    // Offers interleave with the other calls, so state writes (and reminder changes) take turns: each starts, on
    // the grain's scheduler, once the previous one finished, whether or not it failed.
    private Task InTurnAsync(Func<Task> write)
    {
        var next = stateWrites.ContinueWith(_ => write(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Current).Unwrap();
        stateWrites = next;
        return next;
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

    private List<(string Secret, DateTimeOffset? ExpiresAt)> ClearSecrets() =>
        [.. state.State.Secrets.Select(s => (protector.Unprotect(s.Secret, SecretPurpose), s.ExpiresAt))];

    private void UseSigningKeys(IReadOnlyList<(string Secret, DateTimeOffset? ExpiresAt)> secrets)
    {
        signingKeys = [.. secrets.Select(s => (new HmacKey(StandardWebhookSignature.SecretBytes(s.Secret)), s.ExpiresAt))];
        unexpiringKeys = signingKeys.All(k => k.ExpiresAt is null) ? [.. signingKeys.Select(k => k.Key)] : null;
    }

    private EndpointInfo? Info() => state.State is { Spec: { } spec, Deleted: false } s
        ? new EndpointInfo(Id, s.TenantId, spec.Url, spec.Description, spec.EventTypes, spec.Enabled && s.DisabledReason is null,
            s.DisabledReason, spec.Headers, spec.RateLimitPerSecond, spec.Managed, s.CreatedAt, s.FailingSince)
        : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint {EndpointId} disabled: {Reason}")]
    private static partial void LogDisabled(ILogger logger, string endpointId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Send for endpoint {EndpointId}, delivery {DeliveryId} could not be recorded; it is retried after a lease's time")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string endpointId, string deliveryId);
}

using System.Text.Json;
using BetterData.Grains.Events;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Billing;

/// <summary>
/// A tenant's billing (key: tenant id): Stripe subscription, plan, capability snapshots, audit log. Events are
/// deduplicated by id within a bounded window and ordered per subscription by Stripe's <c>created</c>; side effects
/// (outbound event, ops alert, customer → tenant memory) go through an outbox written with the state.
/// </summary>
public sealed partial class TenantBillingGrain(
    [PersistentState("billing", StorageNames.Default)] IPersistentState<TenantBillingState> state,
    IOptions<BillingOptions> options,
    TimeProvider time,
    ILogger<TenantBillingGrain> logger) : Grain, ITenantBillingGrain
{
    public const int MaxAuditEntries = 500;
    public const int MaxRecentEventIds = 1_000;
    public const int MaxWatermarks = 50;
    private const string PublishNotice = "publish";
    private const string AlertNotice = "alert";
    private const string CustomerNotice = "customer";
    private const string UsageNotice = "usage";
    private static readonly int[] CommitmentThresholds = [80, 100];

    private HashSet<string>? recentIds;

    private string TenantId => this.GetPrimaryKeyString();

    private string CurrentPlan => state.State.Capabilities?.Plan ?? BillingOptions.FreePlan;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        recentIds = new HashSet<string>(state.State.RecentEventIds, StringComparer.Ordinal);
        return FlushOutboxAsync();
    }

    public Task<TenantCapabilitySnapshot> GetCapabilitiesAsync() =>
        Task.FromResult(state.State.Capabilities
            ?? options.Value.CapabilitiesOf(BillingOptions.FreePlan).ToSnapshot(0, BillingOptions.FreePlan, null, DateTimeOffset.UnixEpoch));

    public Task<BillingRecord?> GetBillingAsync() => Task.FromResult(state.State.Record);

    public Task<BillingAuditPage> GetAuditAsync(string? cursor, int limit)
    {
        if (!BillingAuditCursor.TryDecode(cursor, out var before))
        {
            throw new ArgumentException("The cursor is not one this API returned.", nameof(cursor));
        }

        limit = Math.Clamp(limit, 1, 200);
        var older = state.State.Audit.Where(e => e.Sequence < before).Reverse().Take(limit + 1).ToList();
        var next = older.Count > limit ? BillingAuditCursor.Encode(older[limit - 1].Sequence) : null;
        return Task.FromResult(new BillingAuditPage(older.Take(limit).ToList(), next));
    }

    public async Task<BillingEventResult> HandleEventAsync(BillingEvent billingEvent)
    {
        recentIds ??= new HashSet<string>(state.State.RecentEventIds, StringComparer.Ordinal);
        if (recentIds.Contains(billingEvent.EventId))
        {
            BillingMetrics.Events.Add(1, new("type", billingEvent.Type), new("result", "duplicate"));
            return BillingEventResult.Duplicate;
        }

        var planBefore = CurrentPlan;
        async Task<BillingEventResult> ApplyAsync()
        {
            var (applied, summary) = billingEvent.Type switch
            {
                _ when BillingEventTypes.IsSubscription(billingEvent.Type) => ApplySubscription(billingEvent),
                BillingEventTypes.InvoicePaid or BillingEventTypes.InvoicePaymentFailed => ApplyInvoice(billingEvent),
                _ => throw new ArgumentException($"Billing does not handle '{billingEvent.Type}'.", nameof(billingEvent)),
            };

            AppendAudit(billingEvent, summary, planBefore);
            RememberEventId(billingEvent.EventId);
            await state.WriteStateAsync();
            return applied;
        }

        // A subscription event may change the plan, whose capabilities publishing caches.
        var result = BillingEventTypes.IsSubscription(billingEvent.Type)
            ? await GrainFactory.GetGrain<ITenantEventsGrain>(TenantId).ChangePublishingRulesAsync(ApplyAsync)
            : await ApplyAsync();
        BillingMetrics.Events.Add(1, new("type", billingEvent.Type), new("result", result == BillingEventResult.Stale ? "stale" : "applied"));
        LogApplied(logger, TenantId, billingEvent.EventId, billingEvent.Type, result, planBefore, CurrentPlan);
        await FlushOutboxAsync();
        return result;
    }

    public async Task<LoopUsage> CountLoopUnitAsync(string unitKey)
    {
        var s = state.State;
        var (start, end) = CurrentPeriod();
        if (s.UsagePeriodStart != start)
        {
            s.UsagePeriodStart = start;
            s.LoopUnitsUsed = 0;
            s.ThresholdsReached = [];
        }

        if (s.RecentUnitKeys.Contains(unitKey, StringComparer.Ordinal))
        {
            return Usage(start, end);
        }

        s.RecentUnitKeys.Add(unitKey);
        if (s.RecentUnitKeys.Count > MaxRecentEventIds)
        {
            s.RecentUnitKeys.RemoveAt(0);
        }

        s.LoopUnitsUsed++;
        var committed = (await GetCapabilitiesAsync()).LoopCommitmentUnits;
        foreach (var percent in CommitmentThresholds)
        {
            // used/committed >= percent/100, in integers.
            if (committed > 0 && s.LoopUnitsUsed * 100 >= committed * percent && !s.ThresholdsReached.Contains(percent))
            {
                s.ThresholdsReached.Add(percent);
                var data = JsonSerializer.Serialize(new
                {
                    threshold = percent / 100.0,
                    percent,
                    used = s.LoopUnitsUsed,
                    committed,
                    plan = CurrentPlan,
                    periodStart = start,
                    periodEnd = end,
                }, JsonSerializerOptions.Web);
                s.Outbox.Add(new BillingNotice(UsageNotice, $"loop-commitment:{start.ToUnixTimeSeconds()}:{percent}",
                    EventTypes.LoopCommitmentThresholdReached, $"Loop commitment {percent}% reached", data, time.GetUtcNow()));
                LogThreshold(logger, TenantId, percent, s.LoopUnitsUsed, committed);
            }
        }

        await state.WriteStateAsync();
        await FlushOutboxAsync();
        return Usage(start, end);
    }

    public async Task<LoopUsage> GetLoopUsageAsync()
    {
        var (start, end) = CurrentPeriod();
        return state.State.UsagePeriodStart == start
            ? Usage(start, end)
            : new LoopUsage(start, end, 0, (await GetCapabilitiesAsync()).LoopCommitmentUnits, []);
    }

    private LoopUsage Usage(DateTimeOffset start, DateTimeOffset end) =>
        new(start, end, state.State.LoopUnitsUsed,
            (state.State.Capabilities ?? options.Value.CapabilitiesOf(BillingOptions.FreePlan).ToSnapshot(0, BillingOptions.FreePlan, null, start)).LoopCommitmentUnits,
            [.. state.State.ThresholdsReached]);

    // Stripe's current period while it covers now; before the first subscription event, or when a renewal event is
    // late, the calendar month (UTC) so that usage still resets once a month.
    private (DateTimeOffset Start, DateTimeOffset End) CurrentPeriod()
    {
        var now = time.GetUtcNow();
        if (state.State.Record is { CurrentPeriodStart: { } start, CurrentPeriodEnd: { } end } && start <= now && now < end)
        {
            return (start, end);
        }

        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (month, month.AddMonths(1));
    }

    private (BillingEventResult, string) ApplySubscription(BillingEvent e)
    {
        var subscriptionId = e.SubscriptionId ?? throw new ArgumentException("A subscription event needs its subscription id.", nameof(e));
        var rank = Rank(e.Type);
        var watermark = state.State.Watermarks.Find(w => w.SubscriptionId == subscriptionId);
        if (watermark is not null && (watermark.Ended || e.Created < watermark.Created || (e.Created == watermark.Created && rank < watermark.Rank)))
        {
            return (BillingEventResult.Stale, watermark.Ended
                ? $"Ignored: subscription {subscriptionId} has already ended."
                : $"Ignored: older than the subscription state already applied (created {watermark.Created:O}).");
        }

        var ended = e.Type == BillingEventTypes.SubscriptionDeleted;
        state.State.Watermarks.RemoveAll(w => w.SubscriptionId == subscriptionId);
        state.State.Watermarks.Add(new SubscriptionWatermark(subscriptionId, e.Created, rank, ended));
        if (state.State.Watermarks.Count > MaxWatermarks)
        {
            state.State.Watermarks.RemoveAt(0);
        }

        var record = state.State.Record;
        var current = record?.SubscriptionId;
        if (current is not null && current != subscriptionId && Entitled(record!.Status))
        {
            return (BillingEventResult.Applied,
                $"Subscription {subscriptionId} is {e.Status ?? "changed"}; the tenant's current subscription is {current}, plan kept.");
        }

        var status = ended ? "canceled" : e.Status ?? "active";
        var subscribed = ended ? BillingOptions.FreePlan : ResolvePlan(e);
        var plan = Entitled(status) ? subscribed : BillingOptions.FreePlan;
        var planBefore = CurrentPlan;
        if (state.State.Capabilities is null || state.State.Capabilities.Plan != plan)
        {
            state.State.Capabilities = options.Value.CapabilitiesOf(plan)
                .ToSnapshot((state.State.Capabilities?.Version ?? 0) + 1, plan, e.EventId, e.Created);
        }

        var capabilities = state.State.Capabilities;
        if (e.CustomerId is not null && record?.CustomerId != e.CustomerId)
        {
            AddNotice(CustomerNotice, e, e.CustomerId, "{}");
        }

        state.State.Record = (record ?? Empty(e)) with
        {
            CustomerId = e.CustomerId ?? record?.CustomerId,
            SubscriptionId = subscriptionId,
            Status = status,
            Plan = plan,
            CurrentPeriodStart = e.CurrentPeriodStart ?? record?.CurrentPeriodStart,
            CurrentPeriodEnd = e.CurrentPeriodEnd ?? record?.CurrentPeriodEnd,
            CapabilitiesVersion = capabilities.Version,
            LastEventId = e.EventId,
            LastEventCreated = e.Created,
        };

        if (e.Type == BillingEventTypes.SubscriptionUpdated)
        {
            var data = JsonSerializer.Serialize(new
            {
                subscription_id = subscriptionId,
                customer_id = state.State.Record.CustomerId,
                status,
                plan_before = planBefore,
                plan_after = plan,
                capabilities_version = capabilities.Version,
                current_period_end = state.State.Record.CurrentPeriodEnd,
            });
            AddNotice(PublishNotice, e, EventTypes.SubscriptionUpdated, data);
        }

        var summary = ended
            ? $"Subscription {subscriptionId} deleted: downgraded to {plan}."
            : $"Subscription {subscriptionId} {status} on plan {subscribed}; capabilities v{capabilities.Version} ({plan}).";
        return (BillingEventResult.Applied, summary);
    }

    private (BillingEventResult, string) ApplyInvoice(BillingEvent e)
    {
        var record = state.State.Record ?? Empty(e);
        if (e.CustomerId is not null && record.CustomerId is null)
        {
            AddNotice(CustomerNotice, e, e.CustomerId, "{}");
            record = record with { CustomerId = e.CustomerId };
        }

        var amount = e.Amount is { } value ? $" ({value} {e.Currency})" : "";
        if (e.Type == BillingEventTypes.InvoicePaid)
        {
            state.State.Record = record with
            {
                LastPaidInvoiceId = e.InvoiceId,
                LastPaidAt = e.Created,
                FailedAttemptCount = record.LastFailedInvoiceId == e.InvoiceId ? null : record.FailedAttemptCount,
                NextPaymentAttempt = record.LastFailedInvoiceId == e.InvoiceId ? null : record.NextPaymentAttempt,
            };
            return (BillingEventResult.Applied, $"Invoice {e.InvoiceId} paid{amount}.");
        }

        if (record.LastPaidInvoiceId is not null && record.LastPaidInvoiceId == e.InvoiceId && record.LastPaidAt >= e.Created)
        {
            return (BillingEventResult.Stale, $"Ignored: invoice {e.InvoiceId} has since been paid.");
        }

        state.State.Record = record with
        {
            LastFailedInvoiceId = e.InvoiceId,
            LastFailedAt = e.Created,
            FailedAttemptCount = e.AttemptCount,
            NextPaymentAttempt = e.NextPaymentAttempt,
        };
        var next = e.NextPaymentAttempt is { } at ? $"next attempt {at:O}" : "no further attempts";
        var summary = $"Payment failed for invoice {e.InvoiceId}{amount}: attempt {e.AttemptCount}, {next}.";
        var data = JsonSerializer.Serialize(new
        {
            tenant_id = TenantId,
            customer_id = record.CustomerId,
            subscription_id = e.SubscriptionId ?? record.SubscriptionId,
            invoice_id = e.InvoiceId,
            attempt_count = e.AttemptCount,
            next_payment_attempt = e.NextPaymentAttempt,
            amount = e.Amount,
            currency = e.Currency,
            stripe_event_id = e.EventId,
        });
        AddNotice(AlertNotice, e, "payment_failed", data, summary);
        BillingMetrics.PaymentFailures.Add(1);
        return (BillingEventResult.Applied, summary);
    }

    private string ResolvePlan(BillingEvent e)
    {
        var billing = options.Value;
        if (e.PriceId is not null && billing.PriceToPlan.TryGetValue(e.PriceId, out var mapped) && billing.Plans.ContainsKey(mapped))
        {
            return mapped.ToLowerInvariant();
        }

        foreach (var candidate in new[] { e.PriceLookupKey, e.MetadataPlan })
        {
            if (candidate is not null && billing.Plans.ContainsKey(candidate))
            {
                return candidate.ToLowerInvariant();
            }
        }

        LogUnknownPlan(logger, TenantId, e.EventId, e.PriceId);
        return BillingOptions.FreePlan;
    }

    // Stripe keeps paid features through past_due while it retries the payment; every other non-active status
    // (incomplete, incomplete_expired, unpaid, canceled, paused) means nothing is being paid for.
    private static bool Entitled(string? status) => status is "active" or "trialing" or "past_due";

    // Within one second (Stripe's resolution) a later lifecycle step wins: created < updated < deleted.
    private static int Rank(string type) => type switch
    {
        BillingEventTypes.SubscriptionCreated => 0,
        BillingEventTypes.SubscriptionUpdated => 1,
        _ => 2,
    };

    private static BillingRecord Empty(BillingEvent e) =>
        new(e.CustomerId, e.SubscriptionId, null, BillingOptions.FreePlan, null, null, 0, null, null, null, null, null, null, null, null);

    private void AddNotice(string kind, BillingEvent e, string type, string dataJson, string summary = "") =>
        state.State.Outbox.Add(new BillingNotice(kind, e.EventId, type, summary, dataJson, time.GetUtcNow()));

    private void AppendAudit(BillingEvent e, string summary, string planBefore)
    {
        var entry = new BillingAuditEntry(state.State.NextAuditSequence++, time.GetUtcNow(), e.EventId, e.Type, summary, planBefore, CurrentPlan);
        state.State.Audit.Add(entry);
        if (state.State.Audit.Count > MaxAuditEntries)
        {
            state.State.Audit.RemoveRange(0, state.State.Audit.Count - MaxAuditEntries);
        }
    }

    private void RememberEventId(string eventId)
    {
        recentIds!.Add(eventId);
        state.State.RecentEventIds.Add(eventId);
        if (state.State.RecentEventIds.Count > MaxRecentEventIds)
        {
            recentIds.Remove(state.State.RecentEventIds[0]);
            state.State.RecentEventIds.RemoveAt(0);
        }
    }

    // Runs after the state that produced the notices is durable. A failure leaves the rest for the next event or
    // activation; receivers dedupe by the Stripe event id, so a resend is harmless.
    private async Task FlushOutboxAsync()
    {
        var sent = 0;
        foreach (var notice in state.State.Outbox)
        {
            try
            {
                await SendAsync(notice);
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogNoticeFailed(logger, ex, TenantId, notice.Kind, notice.Key);
                break;
            }
        }

        if (sent > 0)
        {
            state.State.Outbox.RemoveRange(0, sent);
            await state.WriteStateAsync();
        }
    }

    private Task SendAsync(BillingNotice notice) => notice.Kind switch
    {
        PublishNotice => GrainFactory.GetGrain<ITenantEventsGrain>(TenantId)
            .PublishAsync(new PublishRequest(notice.Type, notice.DataJson, "stripe:" + notice.Key)),
        AlertNotice => GrainFactory.GetGrain<IOpsAlertsGrain>(IOpsAlertsGrain.Key)
            .RaiseAsync(new OpsAlert(notice.Type, TenantId, notice.Summary, notice.DataJson, notice.At)),
        UsageNotice => GrainFactory.GetGrain<ITenantEventsGrain>(TenantId)
            .PublishAsync(new PublishRequest(notice.Type, notice.DataJson, notice.Key)),
        CustomerNotice => GrainFactory.GetGrain<IStripeCustomerGrain>(notice.Type).SetTenantAsync(TenantId),
        _ => Task.CompletedTask,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Billing {TenantId}: {EventType} {EventId} {Result}, plan {PlanBefore} -> {PlanAfter}")]
    private static partial void LogApplied(ILogger logger, string tenantId, string eventId, string eventType, BillingEventResult result, string planBefore, string planAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Billing {TenantId}: loop commitment {Percent}% reached ({Used} of {Committed} units)")]
    private static partial void LogThreshold(ILogger logger, string tenantId, int percent, long used, long committed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Billing {TenantId}: event {EventId} names price {PriceId}, which maps to no plan; using free")]
    private static partial void LogUnknownPlan(ILogger logger, string tenantId, string eventId, string? priceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Billing {TenantId}: sending {Kind} for event {EventId} failed; kept for retry")]
    private static partial void LogNoticeFailed(ILogger logger, Exception exception, string tenantId, string kind, string eventId);
}

namespace BetterData.Grains.Billing;

[GenerateSerializer, Alias("tenant-billing-state")]
public sealed class TenantBillingState
{
    /// <summary>Null until the first subscription event: the tenant is on the free plan.</summary>
    [Id(0)] public TenantCapabilitySnapshot? Capabilities { get; set; }

    /// <summary>Null until the first Stripe event reaches this tenant.</summary>
    [Id(1)] public BillingRecord? Record { get; set; }

    /// <summary>Newest last, at most <see cref="TenantBillingGrain.MaxAuditEntries"/>.</summary>
    [Id(2)] public List<BillingAuditEntry> Audit { get; set; } = [];

    [Id(3)] public long NextAuditSequence { get; set; } = 1;

    /// <summary>Processed Stripe event ids, oldest first, at most <see cref="TenantBillingGrain.MaxRecentEventIds"/>.</summary>
    [Id(4)] public List<string> RecentEventIds { get; set; } = [];

    /// <summary>Newest applied event per subscription id, at most <see cref="TenantBillingGrain.MaxWatermarks"/>.</summary>
    [Id(5)] public List<SubscriptionWatermark> Watermarks { get; set; } = [];

    /// <summary>Outbound events and alerts written with the state that caused them, sent after the write (an outbox).</summary>
    [Id(6)] public List<BillingNotice> Outbox { get; set; } = [];

    /// <summary>Start of the billing period <see cref="LoopUnitsUsed"/> counts in (Stripe's current period, else the calendar month).</summary>
    [Id(7)] public DateTimeOffset? UsagePeriodStart { get; set; }

    [Id(8)] public long LoopUnitsUsed { get; set; }

    /// <summary>Commitment thresholds (percent) already announced in the usage period.</summary>
    [Id(9)] public List<int> ThresholdsReached { get; set; } = [];

    /// <summary>Loop units already counted, oldest first, at most <see cref="TenantBillingGrain.MaxRecentEventIds"/>.</summary>
    [Id(10)] public List<string> RecentUnitKeys { get; set; } = [];
}

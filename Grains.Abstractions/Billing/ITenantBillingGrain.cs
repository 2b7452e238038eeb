namespace BetterData.Grains.Billing;

/// <summary>
/// A tenant's billing (key: tenant id): Stripe customer and subscription, plan, capability snapshots, audit log.
/// Fed by verified Stripe events; idempotent by event id and safe against out-of-order delivery.
/// </summary>
public interface ITenantBillingGrain : ITenantCapabilitiesGrain
{
    /// <summary>Applies one verified Stripe event. Answers once the resulting state is durable.</summary>
    Task<BillingEventResult> HandleEventAsync(BillingEvent billingEvent);

    /// <summary>The billing record, or null when no Stripe event has reached this tenant yet.</summary>
    Task<BillingRecord?> GetBillingAsync();

    /// <summary>Audit entries, newest first. <paramref name="cursor"/> is the opaque value of a previous page.</summary>
    Task<BillingAuditPage> GetAuditAsync(string? cursor, int limit);

    /// <summary>
    /// Counts one loop transition (<paramref name="unitKey"/> identifies it; a repeat within a bounded window is not
    /// counted again) against the plan's commitment in the current period, announcing 80 % and 100 % once each.
    /// </summary>
    Task<LoopUsage> CountLoopUnitAsync(string unitKey);

    Task<LoopUsage> GetLoopUsageAsync();
}

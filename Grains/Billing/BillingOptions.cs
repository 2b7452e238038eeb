namespace BetterData.Grains.Billing;

/// <summary>
/// Plans and how Stripe prices map to them (<c>Billing</c> section). A subscription's plan is the first of: the
/// <see cref="PriceToPlan"/> entry for its price id, the price's <c>lookup_key</c> when it names a plan, its
/// <c>metadata.plan</c>.
/// </summary>
public sealed class BillingOptions
{
    public const string FreePlan = "free";

    /// <summary>Capabilities per plan name. Built in: free, starter, growth, enterprise; configuration may override or add.</summary>
    public Dictionary<string, PlanCapabilities> Plans { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [FreePlan] = new() { MaxEndpoints = 1, OutboundWebhooks = true, MonthlyEventQuota = 10_000, LoopCommitmentUnits = 0, Federation = false },
        ["starter"] = new() { MaxEndpoints = 5, OutboundWebhooks = true, MonthlyEventQuota = 100_000, LoopCommitmentUnits = 1_000, Federation = false },
        ["growth"] = new() { MaxEndpoints = 25, OutboundWebhooks = true, MonthlyEventQuota = 1_000_000, LoopCommitmentUnits = 10_000, Federation = true },
        ["enterprise"] = new() { MaxEndpoints = 250, OutboundWebhooks = true, MonthlyEventQuota = 50_000_000, LoopCommitmentUnits = 250_000, Federation = true },
    };

    /// <summary>Stripe price id → plan name.</summary>
    public Dictionary<string, string> PriceToPlan { get; set; } = new(StringComparer.Ordinal);

    public PlanCapabilities CapabilitiesOf(string plan) =>
        Plans.TryGetValue(plan, out var capabilities) ? capabilities : Plans[FreePlan];
}

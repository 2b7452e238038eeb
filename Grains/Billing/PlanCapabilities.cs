namespace BetterData.Grains.Billing;

/// <summary>What one plan allows.</summary>
public sealed class PlanCapabilities
{
    public int MaxEndpoints { get; set; }
    public bool OutboundWebhooks { get; set; }
    public long MonthlyEventQuota { get; set; }
    public long LoopCommitmentUnits { get; set; }
    public bool Federation { get; set; }

    public TenantCapabilitySnapshot ToSnapshot(int version, string plan, string? sourceEventId, DateTimeOffset effectiveAt) =>
        new(version, plan, MaxEndpoints, OutboundWebhooks, MonthlyEventQuota, LoopCommitmentUnits, Federation, sourceEventId, effectiveAt);
}

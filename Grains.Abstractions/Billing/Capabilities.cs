namespace BetterData.Grains.Billing;

/// <summary>Capability names, as they appear in problem bodies when a plan refuses an action.</summary>
public static class Capabilities
{
    public const string MaxEndpoints = "max_endpoints";
    public const string OutboundWebhooks = "outbound_webhooks";
    public const string MonthlyEventQuota = "monthly_event_quota";
    public const string LoopCommitmentUnits = "loop_commitment_units";
    public const string Federation = "federation";
}

namespace BetterData.Grains.Billing;

/// <summary>
/// What a tenant may do, as of one billing event. Immutable and versioned: a new snapshot is made when
/// the plan changes, and other grains consult the current one.
/// </summary>
[GenerateSerializer, Immutable, Alias("capability-snapshot")]
public sealed record TenantCapabilitySnapshot(
    [property: Id(0)] int Version,
    [property: Id(1)] string Plan,
    [property: Id(2)] int MaxEndpoints,
    [property: Id(3)] bool OutboundWebhooks,
    [property: Id(4)] long MonthlyEventQuota,
    [property: Id(5)] long LoopCommitmentUnits,
    [property: Id(6)] bool Federation,
    [property: Id(7)] string? SourceEventId,
    [property: Id(8)] DateTimeOffset EffectiveAt);

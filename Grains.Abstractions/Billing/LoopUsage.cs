namespace BetterData.Grains.Billing;

/// <summary>
/// Loop commitment usage in the current billing period: <paramref name="Used"/> transitions against the plan's
/// <paramref name="Committed"/> units, and the thresholds (percent) already announced this period.
/// </summary>
[GenerateSerializer, Immutable, Alias("loop-usage")]
public sealed record LoopUsage(
    [property: Id(0)] DateTimeOffset PeriodStart,
    [property: Id(1)] DateTimeOffset PeriodEnd,
    [property: Id(2)] long Used,
    [property: Id(3)] long Committed,
    [property: Id(4)] IReadOnlyList<int> ThresholdsReached);

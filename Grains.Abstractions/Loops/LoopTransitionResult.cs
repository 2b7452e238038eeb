namespace BetterData.Grains.Loops;

/// <summary>What a transition did; <paramref name="From"/> is the state it left (or was refused from).</summary>
[GenerateSerializer, Immutable, Alias("loop-transition-result")]
public sealed record LoopTransitionResult(
    [property: Id(0)] LoopTransitionStatus Status,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] DateTimeOffset? At);

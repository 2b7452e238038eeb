namespace BetterData.Grains.Loops;

/// <summary>One transition of an entity.</summary>
[GenerateSerializer, Immutable, Alias("loop-step")]
public sealed record LoopStep([property: Id(0)] string From, [property: Id(1)] string To, [property: Id(2)] DateTimeOffset At);

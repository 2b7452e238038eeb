namespace BetterData.Grains.Loops;

[GenerateSerializer, Immutable, Alias("loop-entity-view")]
public sealed record LoopEntityView(
    [property: Id(0)] string Loop,
    [property: Id(1)] string EntityId,
    [property: Id(2)] string State,
    [property: Id(3)] IReadOnlyList<LoopStep> History);

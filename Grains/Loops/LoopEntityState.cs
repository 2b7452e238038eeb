namespace BetterData.Grains.Loops;

[GenerateSerializer, Alias("loop-entity-state")]
public sealed class LoopEntityState
{
    [Id(0)] public string State { get; set; } = LoopMachines.None;

    /// <summary>Every transition, oldest first; bounded by the machine, which is acyclic.</summary>
    [Id(1)] public List<LoopStep> History { get; set; } = [];

    /// <summary>Transitions whose event and commitment unit are not yet confirmed (an outbox, written with the state).</summary>
    [Id(2)] public List<LoopStep> Pending { get; set; } = [];
}

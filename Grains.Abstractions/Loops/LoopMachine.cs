namespace BetterData.Grains.Loops;

/// <summary>
/// One loop's state machine: state → the states it may move to (<see cref="LoopMachines.None"/> is "not yet seen").
/// <paramref name="PlatformStates"/> are entered only by the platform itself, never through the API.
/// </summary>
public sealed record LoopMachine(string Name, IReadOnlyDictionary<string, string[]> Transitions, IReadOnlyList<string> PlatformStates)
{
    public bool Allows(string from, string to) => Transitions.TryGetValue(from, out var next) && next.Contains(to, StringComparer.Ordinal);

    public bool IsState(string state) => state != LoopMachines.None && (Transitions.ContainsKey(state) || Transitions.Values.Any(n => n.Contains(state, StringComparer.Ordinal)));
}

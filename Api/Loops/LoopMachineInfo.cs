namespace BetterData.Api.Loops;

/// <summary>A loop's state machine: <c>none</c> is the state before the first transition.</summary>
public sealed record LoopMachineInfo(string Loop, IReadOnlyDictionary<string, string[]> Transitions, IReadOnlyList<string> PlatformStates);

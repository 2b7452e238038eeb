namespace BetterData.Api.Loops;

public sealed record LoopTransitionRequest(string? To);

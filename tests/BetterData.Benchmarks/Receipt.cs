namespace BetterData.Benchmarks;

/// <summary>One delivery that arrived: endpoint index, the event's sequence number, Stopwatch timestamp.</summary>
public readonly record struct Receipt(int Endpoint, long Sequence, long At);

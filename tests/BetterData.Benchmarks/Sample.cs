using System.Diagnostics;

namespace BetterData.Benchmarks;

/// <summary>One request: its sequence number, HTTP status (or a negative transport error) and latency in Stopwatch ticks.</summary>
public readonly record struct Sample(long Sequence, int Status, long LatencyTicks)
{
    public const int ConnectionError = -1;
    public const int Timeout = -2;

    public bool Ok => Status == 200;

    public double LatencyMs => LatencyTicks * 1000.0 / Stopwatch.Frequency;
}

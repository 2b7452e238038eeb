using System.Diagnostics;

namespace BetterData.Benchmarks;

/// <summary>
/// One request: its sequence number, HTTP status (or a negative transport error), latency in Stopwatch ticks, and
/// the Stopwatch timestamp it completed at (to tell what happened during an outage).
/// </summary>
public readonly record struct Sample(long Sequence, int Status, long LatencyTicks, long CompletedAt)
{
    public const int ConnectionError = -1;
    public const int Timeout = -2;

    /// <summary>Acknowledged: webhooks answer 200, publishing answers 202.</summary>
    public bool Ok => Status is >= 200 and < 300;

    public double LatencyMs => LatencyTicks * 1000.0 / Stopwatch.Frequency;
}

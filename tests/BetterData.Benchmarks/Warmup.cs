using System.Diagnostics;
using System.Runtime;

namespace BetterData.Benchmarks;

/// <summary>
/// Warm-up that ends when the JIT has settled, not after a guessed time. Tiered compilation recompiles hot methods in
/// the background (tier 0, then instrumented, then optimized with the profile), and on two busy cores that takes
/// seconds to tens of seconds; a run measured before it finished measured partly unoptimized code (seen: 12-18 % of
/// the CPU on the tiering thread, and a third of the samples in tier-0 or instrumented code). So: at least
/// <c>minimum</c>, then rounds of <see cref="Round"/> until one compiles fewer than <see cref="SettledMethods"/>
/// methods, at most <see cref="Maximum"/>. The same rule warms the floor and us.
/// </summary>
public static class Warmup
{
    public static readonly TimeSpan Round = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Rounds get sequence numbers this far apart, so no two rounds send the same event (a round sends far fewer).
    /// Small enough that ingest's warm-up events, whose <c>updated_at</c> grows a millisecond per sequence number,
    /// stay within their run's day and never make the measured run's events stale.
    /// </summary>
    public const long RoundStride = 1_000_000;

    private const int SettledMethods = 25;

    private static readonly TimeSpan Maximum = TimeSpan.FromSeconds(90);

    /// <summary><paramref name="load"/> runs the load for the given time, as round number n (0 is the minimum).</summary>
    public static async Task<string> RunAsync(Func<int, TimeSpan, Task> load, TimeSpan minimum)
    {
        var started = Stopwatch.GetTimestamp();
        await load(0, minimum);
        long compiled = -1;
        for (var round = 1; Stopwatch.GetElapsedTime(started) < Maximum; round++)
        {
            var before = JitInfo.GetCompiledMethodCount();
            await load(round, Round);
            compiled = JitInfo.GetCompiledMethodCount() - before;
            if (compiled < SettledMethods)
            {
                break;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var summary = compiled < SettledMethods
            ? $"{elapsed:F0} s (the JIT settled: {compiled} methods compiled in the last {Round.TotalSeconds:F0} s)"
            : $"{elapsed:F0} s (stopped at the limit; {compiled} methods compiled in the last {Round.TotalSeconds:F0} s)";
        BenchmarkMain.Phase($"warm-up done after {summary}");
        return summary;
    }
}

namespace BetterData.Benchmarks;

/// <summary>
/// All samples of a run, ordered by sequence, its wall time, and what the process spent meanwhile: CPU time, bytes
/// allocated and time paused for garbage collection (the load generator shares the process, the same for every row).
/// </summary>
public sealed record LoadResult(Sample[] Samples, TimeSpan Elapsed, ProcessCost Cost)
{
    public int Ok => Samples.Count(s => s.Ok);

    public int Errors => Samples.Length - Ok;

    public double OkPerSecond => Ok / Elapsed.TotalSeconds;

    /// <summary>Latency percentiles of every request (acknowledged or not), from a sorted copy.</summary>
    public Percentiles Latency => Percentiles.Of(Samples.Select(s => s.LatencyMs));

    /// <summary>Counts by status, e.g. <c>200:1234 503:2 -1:1</c>, for the error column.</summary>
    public string StatusSummary => string.Join(' ', Samples.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}"));

    /// <summary>Process CPU time per request, in microseconds (all cores).</summary>
    public double CpuMicrosPerRequest => Samples.Length == 0 ? 0 : Cost.Cpu.TotalMicroseconds / Samples.Length;

    /// <summary>Bytes allocated per request, in KiB.</summary>
    public double AllocatedKiBPerRequest => Samples.Length == 0 ? 0 : Cost.AllocatedBytes / 1024.0 / Samples.Length;

    /// <summary>Share of the wall time the process was paused for garbage collection.</summary>
    public double GcPausePercent => Elapsed > TimeSpan.Zero ? 100 * Cost.GcPause / Elapsed : 0;
}

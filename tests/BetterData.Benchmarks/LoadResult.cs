namespace BetterData.Benchmarks;

/// <summary>All samples of a run, ordered by sequence, and its wall time.</summary>
public sealed record LoadResult(Sample[] Samples, TimeSpan Elapsed)
{
    public int Ok => Samples.Count(s => s.Ok);

    public int Errors => Samples.Length - Ok;

    public double OkPerSecond => Ok / Elapsed.TotalSeconds;

    /// <summary>Latency percentiles of every request (acknowledged or not), from a sorted copy.</summary>
    public Percentiles Latency => Percentiles.Of(Samples.Select(s => s.LatencyMs));

    /// <summary>Counts by status, e.g. <c>200:1234 503:2 -1:1</c>, for the error column.</summary>
    public string StatusSummary => string.Join(' ', Samples.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}"));
}

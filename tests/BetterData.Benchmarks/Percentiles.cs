namespace BetterData.Benchmarks;

/// <summary>Nearest-rank percentiles over a sorted array: exact, and small enough for a few million samples.</summary>
public sealed record Percentiles(int Count, double P50, double P99, double Max)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted.Length == 0 ? new Percentiles(0, 0, 0, 0) : new Percentiles(sorted.Length, At(sorted, 0.50), At(sorted, 0.99), sorted[^1]);
    }

    private static double At(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}

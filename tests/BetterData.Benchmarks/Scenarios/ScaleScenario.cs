using System.Diagnostics;
using System.Globalization;
using BetterData.Api.Tests.Infrastructure;

namespace BetterData.Benchmarks.Scenarios;

/// <summary>
/// <c>scale</c>: activates 1k, then 100k, then 1M distinct grains (cumulatively) through the grain factory in this
/// process and reports managed heap per activation and the latency of touching a new grain at each size, to show how
/// cost grows with work. Embedded mode includes the in-memory storage's copy of each state; PostgreSQL mode does not.
/// </summary>
public static class ScaleScenario
{
    public static async Task<Report> RunAsync(BenchmarkOptions options)
    {
        var report = new Report("scale", options.Mode);
        var counts = options.Get("counts", "1000,100000,1000000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var parallel = options.Concurrency;
        await using var postgres = options.Postgres ? await PostgresServer.StartAsync() : null;
        var cs = postgres is null ? null : await postgres.CreateDatabaseAsync("bench_scale");
        await using var target = await BenchTarget.StartAsync(cs, tenants: 0, connectShopify: false);
        var toucher = new ScaleToucher(target.Grains, options.Number("per-tenant", 1000));
        toucher.Prepare(options.Get("grain", "product"));
        var warmup = options.Number("warmup", 2000);
        report.Notes.Add($"Grain: {toucher.Description}. {parallel} calls in flight, after {warmup:N0} warm-up activations (so the first size "
            + "does not measure JIT compilation). Heap is measured after a full blocking GC.");

        // Warm-up grains come from a range of their own and stay active, inside the baseline.
        await Parallel.ForEachAsync(Enumerable.Range(WarmupBase, warmup), new ParallelOptions { MaxDegreeOfParallelism = parallel },
            async (i, _) => await toucher.TouchAsync(i));
        var baseline = Heap();
        var touched = 0;
        foreach (var count in counts)
        {
            var latencies = new double[count - touched];
            var started = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(touched, count - touched), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, _) =>
            {
                var t = Stopwatch.GetTimestamp();
                await toucher.TouchAsync(i);
                latencies[i - touched] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            });
            var elapsed = Stopwatch.GetElapsedTime(started);
            var heap = Heap();
            var perActivation = (heap - baseline) / (double)count;
            using var process = Process.GetCurrentProcess();
            var latency = Percentiles.Of(latencies);
            report.Rows.Add(new ReportRow($"{count:N0} grains active (touching {count - touched:N0} new)", count - touched, count - touched, 0,
                Math.Round((count - touched) / elapsed.TotalSeconds, 1), Math.Round(latency.P50, 3), Math.Round(latency.P99, 3), Math.Round(latency.Max, 2),
                "activations/s", $"heap {heap / 1048576.0:F0} MiB, {perActivation:F0} B per activation, process RSS {process.WorkingSet64 / 1048576.0:F0} MiB"));
            touched = count;
            Console.WriteLine($"{count:N0}: {perActivation:F0} B per activation, p99 {latency.P99:F3} ms");
        }

        var first = report.Rows[0];
        var last = report.Rows[^1];
        var growth = first.P99Ms > 0 ? last.P99Ms / first.P99Ms : 0;
        report.Check($"p99 touch latency at {counts[^1]:N0} / at {counts[0]:N0}", growth, "≤ 2 (flat)", growth <= 2);
        return report;
    }

    private const int WarmupBase = 1_500_000_000;

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

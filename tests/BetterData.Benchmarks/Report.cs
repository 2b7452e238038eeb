using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace BetterData.Benchmarks;

/// <summary>
/// What a scenario measured (rows) and judged (checks). Printed as markdown and written, with the machine, to
/// <c>benchmark-results/&lt;scenario&gt;-&lt;mode&gt;-&lt;time&gt;.md|json</c> (git-ignored).
/// </summary>
public sealed class Report(string scenario, string mode)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public string Scenario => scenario;
    public string Mode => mode;
    public List<ReportRow> Rows { get; } = [];
    public List<ReportCheck> Checks { get; } = [];
    public List<string> Notes { get; } = [];
    public string Machine { get; } = Describe();
    public DateTimeOffset At { get; } = DateTimeOffset.UtcNow;

    /// <summary>Correctness checks (nothing lost) decide the exit code; performance targets are reported.</summary>
    public bool CorrectnessPassed => Checks.Where(c => c.Correctness).All(c => c.Pass);

    public ReportRow Add(string subject, LoadResult result, string? unit = null)
    {
        var latency = result.Latency;
        var row = new ReportRow(subject, result.Samples.Length, result.Ok, result.Errors, Math.Round(result.OkPerSecond, 1),
            Math.Round(latency.P50, 2), Math.Round(latency.P99, 2), Math.Round(latency.Max, 2), unit ?? "req/s", result.StatusSummary,
            Math.Round(result.CpuMicrosPerRequest, 0), Math.Round(result.AllocatedKiBPerRequest, 1), Math.Round(result.GcPausePercent, 1));
        Rows.Add(row);
        return row;
    }

    public void Check(string name, double value, string target, bool pass, bool correctness = false) =>
        Checks.Add(new ReportCheck(name, Math.Round(value, 3), target, pass, correctness));

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"### {scenario} ({mode}) — {At:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}");
        md.AppendLine();
        md.AppendLine("| subject | requests | ok | errors | rate | p50 ms | p99 ms | max ms | CPU µs/req | KiB alloc/req | GC pause | statuses |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in Rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Subject} | {r.Requests} | {r.Ok} | {r.Errors} | {r.Rate} {r.Unit} | {r.P50Ms} | {r.P99Ms} | {r.MaxMs} | {r.CpuMicrosPerRequest?.ToString(CultureInfo.InvariantCulture) ?? "–"} | {r.AllocatedKiBPerRequest?.ToString(CultureInfo.InvariantCulture) ?? "–"} | {(r.GcPausePercent is { } gc ? gc.ToString(CultureInfo.InvariantCulture) + " %" : "–")} | {r.Statuses} |");
        }

        md.AppendLine();
        md.AppendLine("| check | value | target | result |");
        md.AppendLine("|---|---:|---|---|");
        foreach (var c in Checks)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Name} | {c.Value} | {c.Target} | {(c.Pass ? "pass" : c.Correctness ? "**FAIL**" : "below target")} |");
        }

        foreach (var note in Notes)
        {
            md.AppendLine().AppendLine(note);
        }

        return md.ToString();
    }

    public async Task<string> SaveAsync()
    {
        var dir = Path.Combine(SolutionRoot(), "benchmark-results");
        Directory.CreateDirectory(dir);
        var stem = Path.Combine(dir, $"{scenario}-{mode}-{At:yyyyMMdd-HHmmss}");
        await File.WriteAllTextAsync(stem + ".md", ToMarkdown());
        await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(new
        {
            scenario, mode, at = At, machine = Machine, rows = Rows, checks = Checks, notes = Notes,
        }, Json));
        return stem;
    }

    private static string SolutionRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "BetterData.Grains.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private static string Describe()
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }

        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024.0);
        return $"{Environment.ProcessorCount} cores ({cpu}), {memory:F0} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}

using BetterData.Benchmarks.Scenarios;

namespace BetterData.Benchmarks;

/// <summary><c>dotnet run -c Release --project tests/BetterData.Benchmarks -- &lt;scenario&gt; [--mode embedded|postgres] [--seconds N] [--concurrency N]</c></summary>
public static class BenchmarkMain
{
    private const string Usage = """
        usage: <scenario> [--mode embedded|postgres] [--seconds N] [--concurrency N] [options]
          ingest   [--tenants 16] [--products 0 (0 = a new product per event)] [--warmup 10 (s)] [--bound 1 (0 = skip the activation bound)]
          deliver  [--events 20000] [--endpoints 4] [--warmup 10 (s)] [--floor-seconds 10]
          backlog  [--pending 100000] [--probe 200]
          scale    [--counts 1000,100000,1000000] [--grain product|tenant] [--per-tenant 1000]
        """;

    public static async Task<int> Main(string[] args)
    {
        // WebApplicationFactory finds the Api's content root through MvcTestingAppManifest.json in the working directory.
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        BenchmarkOptions options;
        try
        {
            options = BenchmarkOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message + "\n" + Usage);
            return 2;
        }

        Func<BenchmarkOptions, Task<Report>>? scenario = options.Scenario switch
        {
            "ingest" => IngestScenario.RunAsync,
            "deliver" => DeliverScenario.RunAsync,
            "backlog" => BacklogScenario.RunAsync,
            "scale" => ScaleScenario.RunAsync,
            _ => null,
        };
        if (scenario is null)
        {
            await Console.Error.WriteLineAsync($"Unknown scenario '{options.Scenario}'.\n{Usage}");
            return 2;
        }

        var report = await scenario(options);
        Console.WriteLine(report.ToMarkdown());
        Console.WriteLine($"Saved {await report.SaveAsync()}.md and .json");
        return report.CorrectnessPassed ? 0 : 1;
    }

    /// <summary>Progress on stderr, so a profiler can be attached to the phase it means to measure.</summary>
    internal static void Phase(string name) => Console.Error.WriteLine($"[{DateTimeOffset.UtcNow:HH:mm:ss}] phase: {name}");
}

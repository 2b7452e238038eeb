using System.Globalization;

namespace BetterData.Benchmarks;

/// <summary><c>&lt;scenario&gt; [--mode embedded|postgres] [--seconds N] [--concurrency N] [--name value]…</c></summary>
public sealed class BenchmarkOptions
{
    private readonly Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);

    public string Scenario { get; private init; } = "";

    public bool Postgres => Get("mode", "embedded") switch
    {
        "postgres" => true,
        "embedded" => false,
        var other => throw new ArgumentException($"--mode is embedded or postgres, not '{other}'."),
    };

    public string Mode => Postgres ? "postgres" : "embedded";

    public int Seconds => Number("seconds", 15);

    public int Concurrency => Number("concurrency", 32);

    public static BenchmarkOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("Name a scenario first.");
        }

        var options = new BenchmarkOptions { Scenario = args[0].ToLowerInvariant() };
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected --name value, got '{args[i]}'.");
            }

            options.values[args[i][2..]] = args[++i];
        }

        return options;
    }

    public string Get(string name, string fallback) => values.TryGetValue(name, out var value) ? value : fallback;

    public int Number(string name, int fallback) => values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}

namespace BetterData.Benchmarks;

/// <summary>A judged figure: a performance target, or a correctness check (nothing lost) that fails the run.</summary>
public sealed record ReportCheck(string Name, double Value, string Target, bool Pass, bool Correctness);

namespace BetterData.Benchmarks;

/// <summary>One measured load: rate of acknowledged requests and latency of all of them.</summary>
public sealed record ReportRow(string Subject, long Requests, long Ok, long Errors, double Rate, double P50Ms, double P99Ms, double MaxMs, string Unit, string Statuses,
    double? CpuMicrosPerRequest = null, double? AllocatedKiBPerRequest = null, double? GcPausePercent = null);

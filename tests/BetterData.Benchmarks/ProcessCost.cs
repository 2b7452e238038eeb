using System.Diagnostics;

namespace BetterData.Benchmarks;

/// <summary>What the whole process spent between two readings: CPU time, bytes allocated, GC pause time.</summary>
public sealed record ProcessCost(TimeSpan Cpu, long AllocatedBytes, TimeSpan GcPause)
{
    public static ProcessCost Now()
    {
        using var process = Process.GetCurrentProcess();
        return new ProcessCost(process.TotalProcessorTime, GC.GetTotalAllocatedBytes(false), GC.GetTotalPauseDuration());
    }

    public ProcessCost Since(ProcessCost start) => new(Cpu - start.Cpu, AllocatedBytes - start.AllocatedBytes, GcPause - start.GcPause);
}

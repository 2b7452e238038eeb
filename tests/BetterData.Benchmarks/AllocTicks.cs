using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace BetterData.Benchmarks;

public sealed class AllocTicks : EventListener
{
#pragma warning disable CA2211
    public static volatile bool On;
#pragma warning restore CA2211
    public static readonly ConcurrentDictionary<string, long> Bytes = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!On || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
        {
            return;
        }

        var i = e.PayloadNames!.IndexOf("TypeName");
        var a = e.PayloadNames!.IndexOf("AllocationAmount64");
        var name = i >= 0 ? e.Payload[i]?.ToString() ?? "?" : "?";
        var amount = a >= 0 ? Convert.ToInt64(e.Payload[a]) : 100_000;
        Bytes.AddOrUpdate(name, amount, (_, v) => v + amount);
    }

    public static void Print()
    {
        var total = Bytes.Values.Sum();
        foreach (var (k, v) in Bytes.OrderByDescending(kv => kv.Value).Take(45))
        {
            Console.Error.WriteLine($"alloc: {v * 100.0 / total,5:F1}% {k}");
        }
    }
}

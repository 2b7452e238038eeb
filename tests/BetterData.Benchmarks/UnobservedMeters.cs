using System.Diagnostics.Metrics;

namespace BetterData.Benchmarks;

/// <summary>Meters under a name no listener subscribes to, so instruments created on them record nothing.</summary>
public sealed class UnobservedMeters : IMeterFactory
{
    public static readonly UnobservedMeters Instance = new();

    private UnobservedMeters()
    {
    }

    public Meter Create(MeterOptions options) => new("BetterData.Benchmarks.Unobserved." + options.Name, options.Version);

    public void Dispose()
    {
    }
}

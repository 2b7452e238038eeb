using System.Diagnostics.Metrics;

namespace BetterData.Grains.Hosting;

/// <summary>
/// Meters under names no listener subscribes to, so instruments created on them record nothing: for an
/// <see cref="System.Net.Http.HttpClient"/> or a host whose built-in metrics should not be recorded (the delivery client;
/// the benchmark's load generator and receiver).
/// </summary>
public sealed class UnobservedMeters : IMeterFactory
{
    public static readonly UnobservedMeters Instance = new();

    private UnobservedMeters()
    {
    }

    public Meter Create(MeterOptions options) => new("BetterData.Unobserved." + options.Name, options.Version);

    public void Dispose()
    {
    }
}

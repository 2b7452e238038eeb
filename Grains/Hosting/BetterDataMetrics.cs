using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BetterData.Grains.Hosting;

/// <summary>The platform's own meter and activity source; every area adds its instruments here.</summary>
public static class BetterDataMetrics
{
    public const string Name = "BetterData";
    public static readonly Meter Meter = new(Name);
    public static readonly ActivitySource ActivitySource = new(Name);
}

using System.Diagnostics.Metrics;
using BetterData.Grains.Hosting;

namespace BetterData.Grains.Imports;

internal static class ImportMetrics
{
    public static readonly Counter<long> Rows = BetterDataMetrics.Meter.CreateCounter<long>("betterdata.imports.rows", "{row}", "Imported catalog rows by result.");
}

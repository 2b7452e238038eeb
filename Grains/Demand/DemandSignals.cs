namespace BetterData.Grains.Demand;

/// <summary>
/// The arithmetic of demand signals, pure so that it is tested without a clock: hourly sales buckets (unix hour →
/// units) in, velocity, cover and spike figures out.
/// </summary>
public static class DemandSignals
{
    /// <summary>Units per day over the <paramref name="window"/> ending in <paramref name="nowHour"/> (inclusive).</summary>
    public static double Velocity(IReadOnlyDictionary<long, int> hourly, long nowHour, TimeSpan window)
    {
        var hours = Math.Max(1, (long)window.TotalHours);
        var units = hourly.Where(kv => kv.Key > nowHour - hours && kv.Key <= nowHour).Sum(kv => kv.Value);
        return units / (hours / 24.0);
    }

    /// <summary>Days until <paramref name="available"/> runs out at <paramref name="velocity"/>; null when nothing sells.</summary>
    public static double? DaysOfCover(int available, double velocity) => velocity > 0 ? available / velocity : null;

    /// <summary>Mean units per hour over the <paramref name="window"/> before <paramref name="nowHour"/>.</summary>
    public static double HourlyBaseline(IReadOnlyDictionary<long, int> hourly, long nowHour, TimeSpan window)
    {
        var hours = Math.Max(1, (long)window.TotalHours);
        return (double)hourly.Where(kv => kv.Key >= nowHour - hours && kv.Key < nowHour).Sum(kv => kv.Value) / hours;
    }

    public static bool IsSpike(int unitsThisHour, double baseline, DemandOptions options) =>
        unitsThisHour >= options.SpikeMinUnits && unitsThisHour >= options.SpikeFactor * baseline;
}

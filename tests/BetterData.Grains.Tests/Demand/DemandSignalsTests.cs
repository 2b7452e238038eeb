using BetterData.Grains.Demand;

namespace BetterData.Grains.Tests.Demand;

public sealed class DemandSignalsTests
{
    private const long Hour = 500_000;
    private static readonly DemandOptions Options = new();

    [Fact]
    public void Velocity_SalesInsideAndOutsideWindow_CountsOnlyTheWindowPerDay()
    {
        var sales = new Dictionary<long, int> { [Hour] = 7, [Hour - 100] = 7, [Hour - 24 * 7] = 1_000 };
        Assert.Equal(2, DemandSignals.Velocity(sales, Hour, TimeSpan.FromDays(7)), 6);
        Assert.Equal(10, DemandSignals.DaysOfCover(20, 2));
        Assert.Null(DemandSignals.DaysOfCover(20, 0));
    }

    [Fact]
    public void IsSpike_BaselineOneAnHour_ThreeIsNotASpikeButFifteenIs()
    {
        var sales = Enumerable.Range(1, 24 * 7).ToDictionary(h => Hour - h, _ => 1);
        var baseline = DemandSignals.HourlyBaseline(sales, Hour, Options.SpikeBaselineWindow);
        Assert.Equal(1, baseline, 6);
        Assert.False(DemandSignals.IsSpike(3, baseline, Options));
        Assert.False(DemandSignals.IsSpike(2, 0, Options));
        Assert.True(DemandSignals.IsSpike(15, baseline, Options));
        Assert.False(DemandSignals.IsSpike(15, 6, Options));
    }

    [Fact]
    public void CoverThresholdFor_TenantOverride_WinsOverDefault()
    {
        var options = new DemandOptions { TenantStockoutCoverDays = { ["acme"] = 3 } };
        Assert.Equal(3, options.CoverThresholdFor("acme"));
        Assert.Equal(7, options.CoverThresholdFor("other"));
    }
}

using BetterData.Grains.Tenants;

namespace BetterData.Grains.Demand;

/// <summary>Demand signals (<c>Demand</c> section): stockout risk and spike detection per product.</summary>
public sealed class DemandOptions
{
    /// <summary>The range a stockout threshold may take (days of cover), whoever sets it.</summary>
    public const double MinCoverDays = 0.01, MaxCoverDays = 365;

    /// <summary>How often a selling product checks itself (a reminder; Orleans' minimum is one minute).</summary>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sales velocity is units per day over this window; a product with no sales in it is idle.</summary>
    public TimeSpan VelocityWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Days of cover below which <c>demand_signal.stockout_risk</c> is published.</summary>
    public double StockoutCoverDays { get; set; } = 7;

    /// <summary>Per-tenant overrides of <see cref="StockoutCoverDays"/> (tenant id → days).</summary>
    public Dictionary<string, double> TenantStockoutCoverDays { get; set; } = new(StringComparer.Ordinal);

    /// <summary>After a risk, a new episode starts only after a restock or once cover exceeds threshold × this factor.</summary>
    public double RearmFactor { get; set; } = 1.5;

    /// <summary>Units sold in the current hour at least this many times the hourly baseline is a spike ...</summary>
    public double SpikeFactor { get; set; } = 3;

    /// <summary>... provided at least this many units were sold in it (so that 1 → 3 is no spike).</summary>
    public int SpikeMinUnits { get; set; } = 5;

    /// <summary>The hourly baseline is the mean units per hour over this window before the current hour.</summary>
    public TimeSpan SpikeBaselineWindow { get; set; } = TimeSpan.FromDays(7);

    public double CoverThresholdFor(string tenantId) => ConfiguredThresholdFor(tenantId).StockoutCoverDays;

    /// <summary>The threshold configuration gives a tenant, and whether it is the tenant's own entry or the default.</summary>
    public DemandSettings ConfiguredThresholdFor(string tenantId) =>
        TenantStockoutCoverDays.TryGetValue(tenantId, out var days) ? new DemandSettings(days, "configuration") : new DemandSettings(StockoutCoverDays, "default");

    public static bool IsCoverThreshold(double days) => double.IsFinite(days) && days is >= MinCoverDays and <= MaxCoverDays;
}

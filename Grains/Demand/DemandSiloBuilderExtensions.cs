using Microsoft.Extensions.DependencyInjection;

namespace BetterData.Grains.Demand;

public static class DemandSiloBuilderExtensions
{
    /// <summary>Demand signals' options (<c>Demand</c> section).</summary>
    public static ISiloBuilder AddDemand(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<DemandOptions>().BindConfiguration("Demand")
            .Validate(o => o.CheckPeriod >= TimeSpan.FromMinutes(1) && o.VelocityWindow >= TimeSpan.FromHours(1)
                && o.SpikeBaselineWindow >= TimeSpan.FromHours(1) && o.RearmFactor >= 1 && o.SpikeFactor > 0
                && DemandOptions.IsCoverThreshold(o.StockoutCoverDays) && o.TenantStockoutCoverDays.Values.All(DemandOptions.IsCoverThreshold),
                "Demand: CheckPeriod >= 1 min, windows >= 1 h, RearmFactor >= 1, SpikeFactor > 0, cover thresholds 0.01-365 days.")
            .ValidateOnStart();
        return silo;
    }
}

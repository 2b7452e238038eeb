namespace BetterData.Grains.Tenants;

/// <summary>
/// A tenant's demand-signal settings as they apply: <paramref name="StockoutCoverDays"/> is the days of cover below
/// which <c>demand_signal.stockout_risk</c> is published, and <paramref name="Source"/> says where it comes from:
/// <c>tenant</c> (set through the API), <c>configuration</c> (<c>Demand__TenantStockoutCoverDays__&lt;tenant&gt;</c>)
/// or <c>default</c> (<c>Demand__StockoutCoverDays</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("demand-settings")]
public sealed record DemandSettings(
    [property: Id(0)] double StockoutCoverDays,
    [property: Id(1)] string Source);

namespace BetterData.Grains.Catalog;

/// <summary>
/// One demand check of a product: the figures and which signals it published. <paramref name="DaysOfCover"/> is null
/// when nothing sold in the velocity window; <paramref name="Idle"/> means the check reminder was removed.
/// </summary>
[GenerateSerializer, Immutable, Alias("demand-check")]
public sealed record DemandCheck(
    [property: Id(0)] int Available,
    [property: Id(1)] double VelocityPerDay,
    [property: Id(2)] double? DaysOfCover,
    [property: Id(3)] int UnitsThisHour,
    [property: Id(4)] double HourlyBaseline,
    [property: Id(5)] bool StockoutRiskPublished,
    [property: Id(6)] bool SpikePublished,
    [property: Id(7)] bool Idle);

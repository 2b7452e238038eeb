namespace BetterData.Grains.Catalog;

/// <summary>Units sold in the hour starting at <paramref name="HourStart"/>.</summary>
[GenerateSerializer, Immutable, Alias("sales-bucket")]
public sealed record SalesBucket([property: Id(0)] DateTimeOffset HourStart, [property: Id(1)] int Units);

using BetterData.Grains.Catalog;

namespace BetterData.Grains.Square;

/// <summary>Items changed since a time, as SearchCatalogObjects reported them, and its <c>latest_time</c> to resume from.</summary>
public sealed record SquareCatalogChanges(IReadOnlyList<ProductSnapshot> Products, IReadOnlyList<string> DeletedProductIds, DateTimeOffset? LatestTime);

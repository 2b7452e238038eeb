using BetterData.Grains.Catalog;

namespace BetterData.Grains.Imports;

/// <summary>One parsed row: a listing (with optional stock at one location) or the reason it was rejected.</summary>
internal sealed record CatalogRow(long Line, ProductSnapshot? Snapshot, string? LocationId, int? Available, ImportRowError? Error);

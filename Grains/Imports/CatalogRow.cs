namespace BetterData.Grains.Imports;

/// <summary>
/// One parsed row: one variant of a product, with optional stock at one location, or the reason it was rejected.
/// A rejected row keeps its product id when it had a readable one, so its product is rejected with it.
/// </summary>
internal sealed record CatalogRow(long Line, string? ProductId, ImportRowError? Error)
{
    public string? Title { get; init; }

    public string? Description { get; init; }

    public decimal? Price { get; init; }

    public string? Currency { get; init; }

    public string? Status { get; init; }

    public string? ImageUrl { get; init; }

    public string? VariantId { get; init; }

    public string? Sku { get; init; }

    public string? LocationId { get; init; }

    public int? Available { get; init; }
}

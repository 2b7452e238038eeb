using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using BetterData.Grains.Catalog;

namespace BetterData.Grains.Imports;

/// <summary>
/// One product of an import file: the rows it was read from and either its listing and stock or why it was rejected.
/// </summary>
internal sealed record CatalogProduct(long Line, int Rows, ProductSnapshot? Snapshot, IReadOnlyList<ImportedStock> Stock, IReadOnlyList<ImportRowError> Errors);

/// <summary>
/// Folds consecutive rows with the same <c>product_id</c> into one product, as Shopify's product CSV does: the
/// product's fields (title, description, price, currency, status) come from its first row, which must have a title;
/// later rows may repeat them or leave them empty. Each row names a variant (<c>variant_id</c>, default the product
/// id): a new one adds it (its price defaults to the product's), one named before adds stock at another location.
/// Every <c>image_url</c> is kept, in order. A product is imported whole or not at all: a rejected row rejects its
/// product. A product's rows must be consecutive; a later run of them is rejected, since importing it would replace
/// the earlier one's variants.
/// </summary>
internal static class CatalogProducts
{
    /// <summary>
    /// The file's products in order. Reading stops once it is past <paramref name="maxRows"/> rows: the product that
    /// crosses the limit is the last one yielded (its row count shows it), so one huge product cannot be read whole.
    /// A file that turns unreadable (<see cref="InvalidDataException"/>) rejects the product it was in the middle of,
    /// whose rows may be incomplete, and then throws.
    /// </summary>
    public static async IAsyncEnumerable<CatalogProduct> GroupAsync(IAsyncEnumerable<CatalogRow> rows, DateTimeOffset at, int maxRowsPerProduct,
        long maxRows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var ended = new Dictionary<string, long>(StringComparer.Ordinal); // product id → the last line of its rows
        var open = new List<CatalogRow>();
        var extra = 0; // rows of the open product beyond maxRowsPerProduct + 1: counted, not kept
        var lastLine = 0L;
        var read = 0L;
        await using var e = rows.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ExceptionDispatchInfo? broken = null;
            var more = false;
            try
            {
                more = await e.MoveNextAsync();
            }
            catch (InvalidDataException ex)
            {
                broken = ExceptionDispatchInfo.Capture(ex);
            }

            if (broken is not null || !more)
            {
                if (open.Count > 0)
                {
                    yield return broken is null
                        ? Close(open, extra, lastLine, at, maxRowsPerProduct, ended)
                        : new CatalogProduct(open[0].Line, open.Count + extra, null, [],
                            [new(open[0].Line, null, $"Not imported: the file could not be read past line {lastLine}, so the rows of product '{open[0].ProductId}' may be incomplete.")]);
                }

                broken?.Throw();
                yield break;
            }

            var row = e.Current;
            read++;
            if (open.Count > 0 && (row.ProductId is null || row.ProductId != open[0].ProductId))
            {
                yield return Close(open, extra, lastLine, at, maxRowsPerProduct, ended);
                open.Clear();
                extra = 0;
            }

            lastLine = row.Line;
            if (row.ProductId is null)
            {
                yield return new CatalogProduct(row.Line, 1, null, [], [row.Error!]);
            }
            else if (open.Count <= maxRowsPerProduct)
            {
                open.Add(row);
            }
            else
            {
                extra++;
            }

            if (read > maxRows)
            {
                if (open.Count > 0)
                {
                    yield return Close(open, extra, lastLine, at, maxRowsPerProduct, ended);
                }

                yield break;
            }
        }
    }

    private static CatalogProduct Close(List<CatalogRow> rows, int extra, long lastLine, DateTimeOffset at, int maxRowsPerProduct, Dictionary<string, long> ended)
    {
        var first = rows[0];
        var count = rows.Count + extra;
        var productId = first.ProductId!;
        var errors = new List<ImportRowError>();
        if (ended.TryGetValue(productId, out var earlier))
        {
            errors.Add(new(first.Line, "product_id", $"The rows of product '{productId}' must be consecutive; its earlier rows end at line {earlier}."));
        }

        ended[productId] = lastLine;
        if (rows.Count > maxRowsPerProduct)
        {
            errors.Add(new(rows[maxRowsPerProduct].Line, "product_id", $"Product '{productId}' has more than {maxRowsPerProduct} rows."));
            rows = rows[..maxRowsPerProduct];
        }

        if (first.Error is null && first.Title is null)
        {
            errors.Add(new(first.Line, "title", "Required on a product's first row, at most 500 characters."));
        }

        var variants = new List<(string Id, string? Sku, decimal? Price)>();
        var stock = new List<ImportedStock>();
        var stockLines = new Dictionary<(string, string), long>();
        foreach (var row in rows)
        {
            if (row.Error is not null)
            {
                errors.Add(row.Error);
                continue;
            }

            var variantId = row.VariantId ?? productId;
            if (!variants.Exists(v => v.Id == variantId))
            {
                variants.Add((variantId, row.Sku, row.Price ?? first.Price));
            }

            if (row.Available is { } available)
            {
                var location = row.LocationId ?? "default";
                if (stockLines.TryGetValue((variantId, location), out var line))
                {
                    errors.Add(new(row.Line, "location_id", $"Variant '{variantId}' already has stock at location '{location}' (line {line})."));
                    continue;
                }

                stockLines[(variantId, location)] = row.Line;
                stock.Add(new ImportedStock(variantId, location, available));
            }
        }

        if (errors.Count > 0)
        {
            if (rows.FirstOrDefault(r => r.Error is null && errors.TrueForAll(e => e.Line != r.Line)) is { } clean)
            {
                errors.Add(new(clean.Line, null, $"Not imported: product '{productId}' has a rejected row."));
            }

            return new CatalogProduct(first.Line, count, null, [], [.. errors.OrderBy(e => e.Line)]);
        }

        var images = rows.Select(r => r.ImageUrl).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var snapshot = new ProductSnapshot(productId, first.Title!, first.Description, first.Price, first.Currency, images, first.Status ?? "active", at,
            [.. variants.Select(v => new VariantSnapshot(v.Id, v.Sku, null, v.Price))]);
        return new CatalogProduct(first.Line, count, snapshot, stock, []);
    }
}

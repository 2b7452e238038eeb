using System.Globalization;
using BetterData.Grains.Catalog;

namespace BetterData.Grains.Imports;

/// <summary>
/// The import columns (CSV header names, JSON property names): <c>product_id</c> and <c>title</c> required;
/// <c>description</c>, <c>price</c> (invariant decimal), <c>currency</c> (ISO 4217), <c>status</c>
/// (active|draft|archived), <c>variant_id</c> (default: product_id), <c>sku</c>, <c>image_url</c>,
/// <c>available</c> (integer ≥ 0) and <c>location_id</c> (default: <c>default</c>). One row is one product with one variant.
/// </summary>
internal static class CatalogRowParser
{
    public static readonly string[] RequiredColumns = ["product_id", "title"];
    private static readonly string[] Statuses = ["active", "draft", "archived"];

    public static CatalogRow Parse(long line, Func<string, string?> field, DateTimeOffset at)
    {
        CatalogRow Reject(string? name, string message) => new(line, null, null, null, new ImportRowError(line, name, message));

        var productId = field("product_id")?.Trim();
        if (string.IsNullOrEmpty(productId) || productId.Length > 200)
        {
            return Reject("product_id", "Required, at most 200 characters.");
        }

        var title = field("title")?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 500)
        {
            return Reject("title", "Required, at most 500 characters.");
        }

        decimal? price = null;
        if (Present(field("price")) is { } priceText)
        {
            if (!decimal.TryParse(priceText, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) || value < 0)
            {
                return Reject("price", $"'{Clip(priceText)}' is not a non-negative decimal such as 19.99.");
            }

            price = value;
        }

        var currency = Present(field("currency"))?.ToUpperInvariant();
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)))
        {
            return Reject("currency", "A three-letter ISO 4217 code such as EUR.");
        }

        var status = Present(field("status"))?.ToLowerInvariant() ?? "active";
        if (!Statuses.Contains(status))
        {
            return Reject("status", "One of active, draft, archived.");
        }

        var image = Present(field("image_url"));
        if (image is not null && !(Uri.TryCreate(image, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            return Reject("image_url", "An absolute http(s) URL.");
        }

        int? available = null;
        if (Present(field("available")) is { } availableText)
        {
            if (!int.TryParse(availableText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) || count < 0)
            {
                return Reject("available", $"'{Clip(availableText)}' is not a whole number ≥ 0.");
            }

            available = count;
        }

        var variantId = Present(field("variant_id")) ?? productId;
        var snapshot = new ProductSnapshot(productId, title, Present(field("description")), price, currency,
            image is null ? [] : [image], status, at, [new VariantSnapshot(variantId, Present(field("sku")), null, price)]);
        return new CatalogRow(line, snapshot, available is null ? null : Present(field("location_id")) ?? "default", available, null);
    }

    private static string? Present(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Clip(string value) => value.Length > 40 ? value[..40] + "…" : value;
}

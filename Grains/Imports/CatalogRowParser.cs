using System.Globalization;

namespace BetterData.Grains.Imports;

/// <summary>
/// The import columns (CSV header names, JSON property names): <c>product_id</c> required; <c>title</c> (required on a
/// product's first row, see <see cref="CatalogProducts"/>), <c>description</c>, <c>price</c> (invariant decimal),
/// <c>currency</c> (ISO 4217), <c>status</c> (active|draft|archived), <c>image_url</c>, <c>variant_id</c> (default:
/// product_id), <c>sku</c>, <c>available</c> (integer ≥ 0) and <c>location_id</c> (default: <c>default</c>).
/// One row is one variant, optionally with its stock at one location.
/// </summary>
internal static class CatalogRowParser
{
    public static readonly string[] RequiredColumns = ["product_id", "title"];
    private static readonly string[] Statuses = ["active", "draft", "archived"];
    private const int MaxIdLength = 200;

    public static CatalogRow Parse(long line, Func<string, string?> field)
    {
        var productId = field("product_id")?.Trim();
        if (string.IsNullOrEmpty(productId))
        {
            return new CatalogRow(line, null, new ImportRowError(line, "product_id", $"Required, at most {MaxIdLength} characters."));
        }

        CatalogRow Reject(string name, string message) => new(line, productId, new ImportRowError(line, name, message));
        if (productId.Length > MaxIdLength)
        {
            return Reject("product_id", $"Required, at most {MaxIdLength} characters.");
        }

        var title = Present(field("title"));
        if (title?.Length > 500)
        {
            return Reject("title", "At most 500 characters.");
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

        var status = Present(field("status"))?.ToLowerInvariant();
        if (status is not null && !Statuses.Contains(status))
        {
            return Reject("status", "One of active, draft, archived.");
        }

        var image = Present(field("image_url"));
        if (image is not null && !(Uri.TryCreate(image, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            return Reject("image_url", "An absolute http(s) URL.");
        }

        var variantId = Present(field("variant_id"));
        if (variantId?.Length > MaxIdLength)
        {
            return Reject("variant_id", $"At most {MaxIdLength} characters.");
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

        return new CatalogRow(line, productId, null)
        {
            Title = title,
            Description = Present(field("description")),
            Price = price,
            Currency = currency,
            Status = status,
            ImageUrl = image,
            VariantId = variantId,
            Sku = Present(field("sku")),
            LocationId = Present(field("location_id")),
            Available = available,
        };
    }

    private static string? Present(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Clip(string value) => value.Length > 40 ? value[..40] + "…" : value;
}

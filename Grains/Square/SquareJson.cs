using System.Globalization;
using System.Text.Json;
using BetterData.Grains.Catalog;
using BetterData.Grains.Orders;

namespace BetterData.Grains.Square;

/// <summary>Square's JSON shapes (snake_case, money in minor units) mapped to our records.</summary>
public static class SquareJson
{
    public static void ReadCatalogPage(JsonElement page, List<ProductSnapshot> products, List<string> deleted)
    {
        var images = new Dictionary<string, string>();
        if (page.TryGetProperty("related_objects", out var related) && related.ValueKind == JsonValueKind.Array)
        {
            foreach (var obj in related.EnumerateArray())
            {
                if (Text(obj, "type") == "IMAGE" && Text(obj, "id") is { } id
                    && obj.TryGetProperty("image_data", out var data) && Text(data, "url") is { } url)
                {
                    images[id] = url;
                }
            }
        }

        if (!page.TryGetProperty("objects", out var objects) || objects.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var obj in objects.EnumerateArray())
        {
            if (Text(obj, "type") != "ITEM" || Text(obj, "id") is not { } id)
            {
                continue;
            }

            if (obj.TryGetProperty("is_deleted", out var isDeleted) && isDeleted.ValueKind == JsonValueKind.True)
            {
                deleted.Add(id);
                continue;
            }

            products.Add(ReadItem(obj, id, images));
        }
    }

    public static OrderPlaced? ReadOrder(JsonElement order)
    {
        if (Text(order, "id") is not { } id)
        {
            return null;
        }

        var lines = new List<OrderLine>();
        if (order.TryGetProperty("line_items", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray())
            {
                var quantity = decimal.TryParse(Text(item, "quantity"), NumberStyles.Number, CultureInfo.InvariantCulture, out var q) ? (int)q : 0;
                lines.Add(new OrderLine(null, Text(item, "catalog_object_id"), null, quantity));
            }
        }

        string? sessionId = null;
        if (order.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            sessionId = Text(metadata, "sessionId") ?? Text(metadata, "session_id");
        }

        return new OrderPlaced(id, "square", sessionId, lines, Time(order, "created_at") ?? DateTimeOffset.UnixEpoch);
    }

    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static DateTimeOffset? Time(JsonElement element, string name) =>
        DateTimeOffset.TryParse(Text(element, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private static ProductSnapshot ReadItem(JsonElement obj, string id, Dictionary<string, string> images)
    {
        var data = obj.TryGetProperty("item_data", out var d) ? d : default;
        var variants = new List<VariantSnapshot>();
        decimal? price = null;
        string? currency = null;
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("variations", out var variations) && variations.ValueKind == JsonValueKind.Array)
        {
            foreach (var variation in variations.EnumerateArray())
            {
                if (Text(variation, "id") is not { } variationId)
                {
                    continue;
                }

                var vd = variation.TryGetProperty("item_variation_data", out var v) ? v : default;
                decimal? variantPrice = null;
                if (vd.ValueKind == JsonValueKind.Object && vd.TryGetProperty("price_money", out var money)
                    && money.TryGetProperty("amount", out var amount) && amount.TryGetInt64(out var minor))
                {
                    // Square money is in the currency's smallest unit; every currency Square sells in has two decimals or none (JPY).
                    currency = Text(money, "currency");
                    variantPrice = currency == "JPY" ? minor : minor / 100m;
                    price ??= variantPrice;
                }

                // A variation id is also the catalog_object_id of its inventory counts.
                variants.Add(new VariantSnapshot(variationId, Text(vd, "sku"), variationId, variantPrice));
            }
        }

        var imageUrls = new List<string>();
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("image_ids", out var ids) && ids.ValueKind == JsonValueKind.Array)
        {
            imageUrls.AddRange(ids.EnumerateArray().Select(i => i.GetString()).OfType<string>().Where(images.ContainsKey).Select(i => images[i]));
        }

        return new ProductSnapshot(id, Text(data, "name") ?? "", Text(data, "description"), price, currency, imageUrls, "active",
            Time(obj, "updated_at") ?? DateTimeOffset.UnixEpoch, variants);
    }
}

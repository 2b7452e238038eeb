using System.Text.Json;
using BetterData.Grains.Catalog;
using BetterData.Grains.Orders;
using static BetterData.Api.Webhooks.JsonFields;

namespace BetterData.Api.Webhooks;

/// <summary>Shopify webhook bodies (REST Admin API shapes) mapped to our records; null with an error when schema-invalid.</summary>
internal static class ShopifyPayloads
{
    private static readonly string[] SessionAttributeNames = ["sessionId", "session_id", "betterdata_session_id"];

    public static ProductSnapshot? Product(JsonElement p, out string? error)
    {
        var id = Id(p, "id");
        var title = Text(p, "title");
        var updatedAt = Time(p, "updated_at");
        if (id is null || title is null || updatedAt is null)
        {
            error = "A product needs id, title and updated_at.";
            return null;
        }

        var variants = new List<VariantSnapshot>();
        foreach (var v in Array(p, "variants"))
        {
            if (Id(v, "id") is not { } variantId)
            {
                error = "Every variant needs an id.";
                return null;
            }

            variants.Add(new VariantSnapshot(variantId, Text(v, "sku") is { Length: > 0 } sku ? sku : null, Id(v, "inventory_item_id"), Decimal(v, "price")));
        }

        var images = Array(p, "images").Select(i => Text(i, "src")).OfType<string>().ToList();
        error = null;
        return new ProductSnapshot(id, title, Text(p, "body_html"), variants.FirstOrDefault()?.Price, Text(p, "currency"), images,
            Text(p, "status") ?? "active", updatedAt.Value, variants);
    }

    public static InventoryChange? InventoryLevel(JsonElement p, DateTimeOffset fallbackTime, out string? error)
    {
        var item = Id(p, "inventory_item_id");
        var location = Id(p, "location_id");
        if (item is null || location is null)
        {
            error = "An inventory level needs inventory_item_id and location_id.";
            return null;
        }

        // available is null for untracked items: nothing to count.
        var available = Child(p, "available") is { ValueKind: JsonValueKind.Number } a && a.TryGetInt32(out var n) ? n : 0;
        error = null;
        return new InventoryChange(item, location, available, Time(p, "updated_at") ?? fallbackTime);
    }

    public static OrderPlaced? Order(JsonElement p, out string? error)
    {
        var id = Id(p, "id");
        if (id is null)
        {
            error = "An order needs an id.";
            return null;
        }

        var lines = new List<OrderLine>();
        foreach (var line in Array(p, "line_items"))
        {
            var quantity = Child(line, "quantity") is { ValueKind: JsonValueKind.Number } q && q.TryGetInt32(out var n) ? n : 0;
            if (quantity <= 0)
            {
                error = "Every line item needs a positive quantity.";
                return null;
            }

            lines.Add(new OrderLine(Id(line, "product_id"), Id(line, "variant_id"), Text(line, "sku"), quantity));
        }

        var sessionId = Array(p, "note_attributes")
            .Where(a => Text(a, "name") is { } name && SessionAttributeNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            .Select(a => Text(a, "value"))
            .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        error = null;
        return new OrderPlaced(id, "shopify", sessionId, lines, Time(p, "created_at") ?? DateTimeOffset.UnixEpoch);
    }
}

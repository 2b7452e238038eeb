using FsCheck;
using FsCheck.Fluent;

namespace BetterData.Api.Tests.BadInput;

/// <summary>
/// Generators for the property runs: JSON trees over the field names our parsers look for, with values of every
/// type in every place, plus truncated and byte-flipped variants. <see cref="Runs"/> comes from <c>BD_FUZZ_RUNS</c>
/// (default 300) so the same properties serve the quick test run and the long documented fuzz run.
/// </summary>
internal static class FuzzJson
{
    private static readonly string[] Fields =
    [
        "id", "type", "object", "data", "customer", "metadata", "tenant_id", "plan", "items", "price", "lookup_key", "status",
        "current_period_start", "current_period_end", "subscription", "parent", "subscription_details", "created", "title",
        "body_html", "variants", "updated_at", "inventory_item_id", "location_id", "available", "sku", "images", "merchant_id",
        "event_id", "sessionId", "orderId", "line_items", "quantity", "product_id", "variant_id", "src", "note_attributes", "name",
        "value", "catalog_object_id", "state", "calculated_at", "currency", "created_at",
    ];

    private static readonly string[] Scalars =
    [
        "null", "true", "false", "0", "-1", "1.5", "1e308", "-9223372036854775809", "123456789012345678901234567890", "\"\"",
        "\"x\"", "\"2026-01-01T00:00:00Z\"", "\"not a date\"", "\"\\u0000\"", "\"" + new string('a', 300) + "\"",
    ];

    public static int Runs => int.TryParse(Environment.GetEnvironmentVariable("BD_FUZZ_RUNS"), out var runs) ? runs : 300;

    public static Config Config => Config.QuickThrowOnFailure.WithMaxTest(Runs);

    public static Gen<string> Scalar => Gen.Elements(Scalars);

    public static Gen<string> Value(int depth) => depth <= 0
        ? Gen.Elements(Scalars)
        : Gen.Frequency((3, Gen.Elements(Scalars)), (2, Object(depth - 1)), (1, Array(depth - 1)));

    public static Gen<string> Object(int depth) =>
        Gen.Zip(Gen.Elements(Fields), Value(depth)).ArrayOf()
            .Select(members => "{" + string.Join(',', members.Select(m => $"\"{m.Item1}\":{m.Item2}")) + "}");

    public static Gen<string> Array(int depth) => Value(depth).ArrayOf().Select(items => "[" + string.Join(',', items) + "]");

    /// <summary>A JSON document, or one cut short, or one with a byte changed.</summary>
    public static Gen<string> Document(Gen<string> wellFormed) =>
        Gen.OneOf(
            wellFormed,
            wellFormed.SelectMany(json => Gen.Choose(0, json.Length).Select(cut => json[..cut])),
            wellFormed.SelectMany(json => Gen.Zip(Gen.Choose(0, Math.Max(0, json.Length - 1)), Gen.Elements('{', '}', '"', ',', ':', '\\', 'x', '\0'))
                .Select(edit => json.Length == 0 ? json : json[..edit.Item1] + edit.Item2 + json[(edit.Item1 + 1)..])));

    /// <summary>Nesting far beyond what System.Text.Json reads by default (64).</summary>
    public static string Deep(int depth) => new string('[', depth) + new string(']', depth);
}

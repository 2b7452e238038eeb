using System.Text.Json;
using BetterData.Grains.Billing;

namespace BetterData.Api.Webhooks;

/// <summary>
/// Reads the fields billing needs from a Stripe event's <c>data.object</c>. Reads the JSON itself rather than
/// Stripe.net's typed objects, because an event keeps the shape of the API version it was created with, and
/// typed objects of one SDK version drop the fields older versions use: the period on the subscription (now on
/// its items) and <c>invoice.subscription</c> (now <c>invoice.parent.subscription_details.subscription</c>).
/// Both shapes are read.
/// </summary>
internal static class StripeEventReader
{
    /// <summary>The event for billing and the tenant named in metadata (subscription, then customer), if any.</summary>
    public static StripeEventFacts Read(Stripe.Event stripeEvent, string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("data", out var data) || !data.TryGetProperty("object", out var obj)
            || obj.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("The event has no data.object.");
        }

        var created = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        var type = stripeEvent.Type ?? throw new JsonException("The event has no type.");
        var id = stripeEvent.Id ?? throw new JsonException("The event has no id.");
        var (customerId, customerTenant) = Customer(obj);
        if (type.StartsWith("invoice.", StringComparison.Ordinal))
        {
            var details = Path(obj, "parent", "subscription_details") ?? Path(obj, "subscription_details");
            var subscription = IdOf(Path(details, "subscription")) ?? IdOf(Path(obj, "subscription"));
            var paid = type == BillingEventTypes.InvoicePaid;
            var billing = new BillingEvent(id, type, created, stripeEvent.ApiVersion, customerId, subscription, null, null, null, null,
                null, null, String(obj, "id"), Long(obj, "attempt_count"), Time(obj, "next_payment_attempt"),
                Long(obj, paid ? "amount_paid" : "amount_due"), String(obj, "currency"));
            var tenant = String(Path(details, "metadata"), "tenant_id") ?? String(Path(obj, "metadata"), "tenant_id") ?? customerTenant;
            return new StripeEventFacts(billing, tenant);
        }

        if (type.StartsWith("customer.subscription.", StringComparison.Ordinal))
        {
            var item = FirstItem(obj);
            var price = Path(item, "price") ?? Path(item, "plan");
            var billing = new BillingEvent(id, type, created, stripeEvent.ApiVersion, customerId, String(obj, "id"), String(obj, "status"),
                String(price, "id"), String(price, "lookup_key"), String(Path(obj, "metadata"), "plan"),
                Time(item, "current_period_start") ?? Time(obj, "current_period_start"),
                Time(item, "current_period_end") ?? Time(obj, "current_period_end"),
                null, null, null, null, null);
            return new StripeEventFacts(billing, String(Path(obj, "metadata"), "tenant_id") ?? customerTenant);
        }

        // customer.* and anything else: only the customer and its tenant are of interest.
        var self = String(obj, "object") == "customer" ? String(obj, "id") : customerId;
        var tenantId = String(obj, "object") == "customer" ? String(Path(obj, "metadata"), "tenant_id") : customerTenant;
        return new StripeEventFacts(new BillingEvent(id, type, created, stripeEvent.ApiVersion, self, null, null, null, null, null,
            null, null, null, null, null, null, null), tenantId);
    }

    // "customer" is an id, or the expanded customer whose metadata may name the tenant.
    private static (string? Id, string? Tenant) Customer(JsonElement obj) =>
        Path(obj, "customer") is { } customer
            ? (IdOf(customer), String(Path(customer, "metadata"), "tenant_id"))
            : (null, null);

    private static JsonElement? FirstItem(JsonElement subscription) =>
        Path(subscription, "items", "data") is { ValueKind: JsonValueKind.Array } items && items.GetArrayLength() > 0 ? items[0] : null;

    private static JsonElement? Path(JsonElement? element, params string[] names)
    {
        foreach (var name in names)
        {
            if (element is not { ValueKind: JsonValueKind.Object } current || !current.TryGetProperty(name, out var next))
            {
                return null;
            }

            element = next;
        }

        return element is { ValueKind: not JsonValueKind.Null } ? element : null;
    }

    private static string? IdOf(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        { ValueKind: JsonValueKind.Object } => String(element, "id"),
        _ => null,
    };

    private static string? String(JsonElement? element, string name) =>
        Path(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static long? Long(JsonElement? element, string name) =>
        Path(element, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : null;

    private static DateTimeOffset? Time(JsonElement? element, string name) =>
        Long(element, name) is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}

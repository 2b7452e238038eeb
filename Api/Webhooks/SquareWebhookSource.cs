using System.Globalization;
using System.Text.Json;
using BetterData.Grains.Catalog;
using BetterData.Grains.Connections;
using BetterData.Grains.Hosting;
using BetterData.Grains.Signing;
using BetterData.Grains.Square;
using static BetterData.Api.Webhooks.JsonFields;

namespace BetterData.Api.Webhooks;

/// <summary>
/// <c>POST /webhooks/square</c>: tenant from the body's <c>merchant_id</c> through its connection, HMAC over
/// notification URL + raw body, dedupe by <c>event_id</c>. Inventory counts apply at once; catalog and order events
/// leave a durable fetch for <see cref="ISquareSyncGrain"/> and are acknowledged before any Square call.
/// </summary>
public sealed class SquareWebhookSource(IGrainFactory grains, ConnectionCredentialsCache connections, IConfiguration configuration) : IWebhookSource
{
    public const string SignatureHeader = "x-square-hmacsha256-signature";

    public string Name => "square";

    public async Task<WebhookOutcome> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        var signature = request.Headers[SignatureHeader].ToString();
        if (string.IsNullOrWhiteSpace(signature))
        {
            return WebhookOutcome.Rejected(StatusCodes.Status403Forbidden, "signature_missing", $"{SignatureHeader} is required.");
        }

        // The merchant (and so the key) is only in the body: parse before verifying, but act on nothing unverified.
        using var doc = ParseObject(request.Body);
        if (doc is null)
        {
            return WebhookOutcome.Invalid("The body is not a JSON object.");
        }

        var root = doc.RootElement;
        var merchant = Id(root, "merchant_id");
        var (credentials, check) = merchant is null
            ? (null, SignatureCheck.Mismatch)
            : await connections.VerifyAsync(ConnectionKeys.Of(ConnectionKeys.Square, merchant),
                c => HmacSignatures.VerifyBase64(signature, NotificationUrl(c, request), request.Body, c.Secrets));
        if (credentials is null)
        {
            return WebhookOutcome.Rejected(StatusCodes.Status403Forbidden, "unknown_merchant", "No tenant has connected this merchant.");
        }

        if (check != SignatureCheck.Valid)
        {
            return WebhookOutcome.SignatureRejected(check);
        }

        var eventId = Id(root, "event_id");
        var type = Text(root, "type");
        if (eventId is null || type is null)
        {
            return WebhookOutcome.Invalid("A Square event needs event_id and type.");
        }

        var inbox = grains.Reference<ICommerceInboxGrain>(credentials.TenantId);
        var key = "square:" + eventId;
        var data = Child(root, "data");
        var at = Time(root, "created_at") ?? request.ReceivedAt;
        switch (type)
        {
            case "inventory.count.updated":
                var counts = InventoryCounts(Child(Child(data, "object"), "inventory_counts"), at);
                return counts is null
                    ? WebhookOutcome.Invalid("inventory_counts must list catalog_object_id, location_id, state and quantity.")
                    : CommerceOutcome.Of(await inbox.ApplyInventoryAsync(key, counts));
            case "catalog.version.updated":
                var updatedAt = Time(Child(Child(data, "object"), "catalog_version"), "updated_at");
                return updatedAt is null
                    ? WebhookOutcome.Invalid("catalog_version.updated_at is required.")
                    : CommerceOutcome.Of(await inbox.ScheduleSquareFetchAsync(key, new SquareFetch("catalog", merchant!, null, updatedAt.Value)));
            case "order.created" or "order.updated":
                var obj = Child(data, "object");
                var orderId = Id(data, "id") ?? Id(Child(obj, "order_created"), "order_id") ?? Id(Child(obj, "order_updated"), "order_id");
                return orderId is null
                    ? WebhookOutcome.Invalid("The order id is missing.")
                    : CommerceOutcome.Of(await inbox.ScheduleSquareFetchAsync(key, new SquareFetch("order", merchant!, orderId, at)));
            default:
                return WebhookOutcome.Ignored($"Event type '{type}' is not handled.");
        }
    }

    private string NotificationUrl(ConnectionCredentials credentials, WebhookRequest request) =>
        credentials.NotificationUrl
        ?? (configuration["Webhooks:PublicBaseUrl"] is { Length: > 0 } baseUrl ? baseUrl.TrimEnd('/') + "/webhooks/square" : request.Url.AbsoluteUri);

    internal static List<InventoryChange>? InventoryCounts(JsonElement counts, DateTimeOffset at)
    {
        if (counts.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var changes = new List<InventoryChange>();
        foreach (var count in counts.EnumerateArray())
        {
            var item = Id(count, "catalog_object_id");
            var location = Id(count, "location_id");
            var quantity = Decimal(count, "quantity");
            if (item is null || location is null || quantity is not { } units || units < int.MinValue || units > int.MaxValue)
            {
                return null;
            }

            // Only IN_STOCK is sellable; other states (SOLD, WASTE, …) are movements we do not track.
            if (Text(count, "state") is "IN_STOCK" or null)
            {
                changes.Add(new InventoryChange(item, location, (int)Math.Floor(units), Time(count, "calculated_at") ?? at));
            }
        }

        return changes;
    }
}

using System.Globalization;
using BetterData.Grains.Catalog;
using BetterData.Grains.Connections;
using BetterData.Grains.Hosting;
using BetterData.Grains.Signing;
using static BetterData.Api.Webhooks.JsonFields;

namespace BetterData.Api.Webhooks;

/// <summary>
/// <c>POST /webhooks/shopify</c>: tenant from <c>X-Shopify-Shop-Domain</c> through its connection, HMAC over the raw
/// body, dedupe by <c>X-Shopify-Event-Id</c> (falling back to <c>X-Shopify-Webhook-Id</c>).
/// </summary>
public sealed class ShopifyWebhookSource(IGrainFactory grains, ConnectionCredentialsCache connections) : IWebhookSource
{
    public string Name => "shopify";

    public async Task<WebhookOutcome> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        var signature = request.Headers["X-Shopify-Hmac-Sha256"].ToString();
        if (string.IsNullOrWhiteSpace(signature))
        {
            return WebhookOutcome.Rejected(StatusCodes.Status403Forbidden, "signature_missing", "X-Shopify-Hmac-Sha256 is required.");
        }

        var shop = request.Headers["X-Shopify-Shop-Domain"].ToString();
        var (credentials, check) = string.IsNullOrWhiteSpace(shop)
            ? (null, SignatureCheck.Mismatch)
            : await connections.VerifyAsync(ConnectionKeys.Of(ConnectionKeys.Shopify, shop),
                c => HmacSignatures.VerifyBase64(signature, "", request.Body, c.Secrets));
        if (credentials is null)
        {
            return WebhookOutcome.Rejected(StatusCodes.Status403Forbidden, "unknown_shop", "No tenant has connected this shop.");
        }

        if (check != SignatureCheck.Valid)
        {
            return WebhookOutcome.SignatureRejected(check);
        }

        var eventId = FirstHeader(request, "X-Shopify-Event-Id", "X-Shopify-Webhook-Id");
        if (eventId is null)
        {
            return WebhookOutcome.Invalid("X-Shopify-Event-Id or X-Shopify-Webhook-Id is required.");
        }

        var topic = request.Headers["X-Shopify-Topic"].ToString();
        if (topic is not ("products/create" or "products/update" or "products/delete" or "inventory_levels/update" or "orders/create"))
        {
            return WebhookOutcome.Ignored($"Topic '{topic}' is not handled.");
        }

        using var doc = ParseObject(request.Body);
        if (doc is null)
        {
            return WebhookOutcome.Invalid("The body is not a JSON object.");
        }

        var inbox = grains.Reference<ICommerceInboxGrain>(credentials.TenantId);
        var key = "shopify:" + eventId;
        var root = doc.RootElement;
        string? error;
        ApplyResult result;
        switch (topic)
        {
            case "products/delete":
                if (Id(root, "id") is not { } deletedId)
                {
                    return WebhookOutcome.Invalid("A deleted product needs an id.");
                }

                result = await inbox.DeleteProductAsync(key, deletedId, TriggeredAt(request));
                break;
            case "inventory_levels/update":
                if (ShopifyPayloads.InventoryLevel(root, TriggeredAt(request), out error) is not { } level)
                {
                    return WebhookOutcome.Invalid(error!);
                }

                result = await inbox.ApplyInventoryAsync(key, [level]);
                break;
            case "orders/create":
                if (ShopifyPayloads.Order(root, out error) is not { } order)
                {
                    return WebhookOutcome.Invalid(error!);
                }

                result = await inbox.PlaceOrderAsync(key, order);
                break;
            default:
                if (ShopifyPayloads.Product(root, out error) is not { } product)
                {
                    return WebhookOutcome.Invalid(error!);
                }

                // Straight to the product, which records the event id with the change (see ICommerceInboxGrain).
                result = await grains.Reference<IProductGrain>(CommerceKeys.Of(credentials.TenantId, product.ProductId))
                    .ApplySnapshotAsync(product, key);
                break;
        }

        return CommerceOutcome.Of(result);
    }

    private static string? FirstHeader(WebhookRequest request, params string[] names) =>
        names.Select(n => request.Headers[n].ToString()).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    // A delete has no updated_at: when Shopify triggered it orders it against retried updates.
    private static DateTimeOffset TriggeredAt(WebhookRequest request) =>
        DateTimeOffset.TryParse(request.Headers["X-Shopify-Triggered-At"].ToString(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var at) ? at : request.ReceivedAt;
}

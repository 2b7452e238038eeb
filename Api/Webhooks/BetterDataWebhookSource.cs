using BetterData.Grains.Events;
using System.Text;
using BetterData.Grains.Catalog;
using BetterData.Grains.Signing;
using static BetterData.Api.Webhooks.JsonFields;

namespace BetterData.Api.Webhooks;

/// <summary>
/// <c>POST /webhooks/betterdata</c>: Better Data Cloud's events, signed with <c>WEBHOOK_SECRET</c> in the
/// <see cref="BetterDataSignature"/> scheme (5-minute tolerance), deduped by event <c>id</c>. Handles <c>checkout.completed</c>.
/// </summary>
public sealed class BetterDataWebhookSource(IGrainFactory grains, IConfiguration configuration) : IWebhookSource
{
    public string Name => "betterdata";

    public async Task<WebhookOutcome> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        var secret = configuration["WEBHOOK_SECRET"];
        byte[][] secrets = string.IsNullOrEmpty(secret) ? [] : [Encoding.UTF8.GetBytes(secret)];
        var check = BetterDataSignature.Verify(request.Headers[BetterDataSignature.HeaderName].ToString(), request.Body, secrets,
            request.ReceivedAt, BetterDataSignature.DefaultTolerance);
        if (check != SignatureCheck.Valid)
        {
            return WebhookOutcome.SignatureRejected(check);
        }

        using var doc = ParseObject(request.Body);
        if (doc is null)
        {
            return WebhookOutcome.Invalid("The body is not a JSON object.");
        }

        var root = doc.RootElement;
        var id = Id(root, "id");
        var type = Text(root, "type");
        if (id is null || type is null)
        {
            return WebhookOutcome.Invalid("An event needs id and type.");
        }

        if (type != EventTypes.CheckoutCompleted)
        {
            return WebhookOutcome.Ignored($"Event type '{type}' is not handled.");
        }

        var data = Child(root, "data").ValueKind == System.Text.Json.JsonValueKind.Object ? Child(root, "data") : root;
        var tenantId = Id(data, "tenantId");
        var sessionId = Id(data, "sessionId");
        var orderId = Id(data, "orderId");
        if (tenantId is null || sessionId is null || orderId is null)
        {
            return WebhookOutcome.Invalid("checkout.completed needs tenantId, sessionId and orderId.");
        }

        var result = await grains.GetGrain<ICommerceInboxGrain>(tenantId).CompleteCheckoutAsync("betterdata:" + id, sessionId, orderId);
        return CommerceOutcome.Of(result);
    }
}

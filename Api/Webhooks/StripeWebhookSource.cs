using System.Text;
using Stripe;

namespace BetterData.Api.Webhooks;

/// <summary>
/// <c>POST /webhooks/stripe</c>: verified by Stripe.net against <c>STRIPE_WEBHOOK_SECRET</c> with a 300 s tolerance;
/// failures answer 400 (Stripe's convention). Events of another API version are accepted: the reader handles both
/// event shapes, and refusing them would make Stripe retry for three days something that will never pass.
/// </summary>
public sealed class StripeWebhookSource(IConfiguration configuration, StripeEventProcessor processor) : IWebhookSource
{
    public const string SecretSetting = "STRIPE_WEBHOOK_SECRET";
    public const string SignatureHeader = "Stripe-Signature";
    public const long ToleranceSeconds = 300;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public string Name => "stripe";

    public async Task<WebhookOutcome> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(configuration[SecretSetting]))
        {
            return WebhookOutcome.Rejected(StatusCodes.Status503ServiceUnavailable, "not_configured", $"{SecretSetting} is not set.");
        }

        var header = request.Headers[SignatureHeader].ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return WebhookOutcome.Rejected(StatusCodes.Status400BadRequest, "signature_missing", $"The {SignatureHeader} header is required.");
        }

        string json;
        try
        {
            json = StrictUtf8.GetString(request.Body);
        }
        catch (DecoderFallbackException)
        {
            return WebhookOutcome.Invalid("The body is not UTF-8.");
        }

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(json, header, configuration[SecretSetting], ToleranceSeconds,
                request.ReceivedAt.ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (StripeException ex) when (ex.Message.Contains("tolerance", StringComparison.OrdinalIgnoreCase))
        {
            return WebhookOutcome.Rejected(StatusCodes.Status400BadRequest, "signature_stale", "The signature timestamp is outside the 300 s tolerance.");
        }
        catch (StripeException)
        {
            return WebhookOutcome.Rejected(StatusCodes.Status400BadRequest, "signature_invalid", $"The {SignatureHeader} header does not verify.");
        }
        catch (Exception)
        {
            // Signature verified, but the body is not a Stripe (v1) event.
            return WebhookOutcome.Invalid("The body is not a Stripe event.");
        }

        StripeEventFacts facts;
        try
        {
            facts = StripeEventReader.Read(stripeEvent, json);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            return WebhookOutcome.Invalid("The event has no data.object.");
        }

        return (await processor.ProcessAsync(facts, json, request.ReceivedAt, tenantOverride: null)).Outcome;
    }
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;

namespace BetterData.Api.Tests.Billing;

/// <summary>
/// Stripe-shaped event JSON, written by us to the shape of API version 2026-10-28.endive (Stripe.net 53.1.0):
/// period on the subscription item, invoice subscription under parent.subscription_details. Legacy builders use the
/// older shape. Signed with Stripe's scheme, independently of Stripe.net.
/// </summary>
internal static class StripeEvents
{
    public const string CurrentApiVersion = "2026-10-28.endive";
    public const string LegacyApiVersion = "2024-06-20";

    public static string Subscription(string eventId, string type, DateTimeOffset created, string subscriptionId, string customerId,
        string status = "active", string lookupKey = "starter", string priceId = "price_starter_monthly", string? tenantId = null,
        string? planMetadata = null)
    {
        var metadata = Metadata(tenantId, planMetadata);
        var start = created.ToUnixTimeSeconds();
        var item = new Dictionary<string, object?>
        {
            ["id"] = "si_" + subscriptionId,
            ["object"] = "subscription_item",
            ["current_period_start"] = start,
            ["current_period_end"] = start + 30 * 86_400,
            ["price"] = new Dictionary<string, object?>
            {
                ["id"] = priceId, ["object"] = "price", ["lookup_key"] = lookupKey, ["currency"] = "usd", ["unit_amount"] = 4900,
            },
            ["quantity"] = 1,
            ["subscription"] = subscriptionId,
        };
        var subscription = new Dictionary<string, object?>
        {
            ["id"] = subscriptionId,
            ["object"] = "subscription",
            ["customer"] = customerId,
            ["status"] = status,
            ["created"] = start,
            ["currency"] = "usd",
            ["livemode"] = false,
            ["metadata"] = metadata,
            ["items"] = new Dictionary<string, object?>
            {
                ["object"] = "list", ["data"] = new[] { item }, ["has_more"] = false, ["url"] = "/v1/subscription_items?subscription=" + subscriptionId,
            },
        };
        return Envelope(eventId, type, created, subscription, CurrentApiVersion);
    }

    /// <summary>A subscription event in an older API version: period on the subscription, no item periods.</summary>
    public static string LegacySubscription(string eventId, string type, DateTimeOffset created, string subscriptionId, string customerId,
        string lookupKey, string tenantId)
    {
        var start = created.ToUnixTimeSeconds();
        var subscription = new Dictionary<string, object?>
        {
            ["id"] = subscriptionId,
            ["object"] = "subscription",
            ["customer"] = customerId,
            ["status"] = "active",
            ["current_period_start"] = start,
            ["current_period_end"] = start + 30 * 86_400,
            ["metadata"] = Metadata(tenantId, null),
            ["items"] = new Dictionary<string, object?>
            {
                ["object"] = "list",
                ["data"] = new[]
                {
                    new Dictionary<string, object?>
                    {
                        ["id"] = "si_legacy", ["object"] = "subscription_item",
                        ["price"] = new Dictionary<string, object?> { ["id"] = "price_legacy", ["object"] = "price", ["lookup_key"] = lookupKey },
                    },
                },
            },
        };
        return Envelope(eventId, type, created, subscription, LegacyApiVersion);
    }

    public static string Invoice(string eventId, string type, DateTimeOffset created, string invoiceId, string customerId, string subscriptionId,
        long attemptCount = 1, DateTimeOffset? nextAttempt = null, string? tenantId = null, bool legacy = false)
    {
        var invoice = new Dictionary<string, object?>
        {
            ["id"] = invoiceId,
            ["object"] = "invoice",
            ["customer"] = customerId,
            ["status"] = type == "invoice.paid" ? "paid" : "open",
            ["amount_due"] = 4900,
            ["amount_paid"] = type == "invoice.paid" ? 4900 : 0,
            ["currency"] = "usd",
            ["attempt_count"] = attemptCount,
            ["attempted"] = true,
            ["next_payment_attempt"] = nextAttempt?.ToUnixTimeSeconds(),
            ["created"] = created.ToUnixTimeSeconds(),
        };
        if (legacy)
        {
            invoice["subscription"] = subscriptionId;
        }
        else
        {
            invoice["parent"] = new Dictionary<string, object?>
            {
                ["type"] = "subscription_details",
                ["subscription_details"] = new Dictionary<string, object?>
                {
                    ["subscription"] = subscriptionId, ["metadata"] = Metadata(tenantId, null),
                },
            };
        }

        return Envelope(eventId, type, created, invoice, legacy ? LegacyApiVersion : CurrentApiVersion);
    }

    public static string Customer(string eventId, string type, DateTimeOffset created, string customerId, string? tenantId) =>
        Envelope(eventId, type, created, new Dictionary<string, object?>
        {
            ["id"] = customerId, ["object"] = "customer", ["email"] = "billing@example.com", ["metadata"] = Metadata(tenantId, null),
        }, CurrentApiVersion);

    public static string Envelope(string eventId, string type, DateTimeOffset created, object dataObject, string apiVersion) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = eventId,
            ["object"] = "event",
            ["api_version"] = apiVersion,
            ["created"] = created.ToUnixTimeSeconds(),
            ["data"] = new Dictionary<string, object?> { ["object"] = dataObject },
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new Dictionary<string, object?> { ["id"] = "req_test", ["idempotency_key"] = null },
            ["type"] = type,
        });

    /// <summary>Stripe's scheme: <c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>.</summary>
    public static string Sign(string json, DateTimeOffset at, string secret = BetterDataApp.StripeSecret)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + json));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    public static async Task<HttpResponseMessage> PostAsync(this HttpClient client, string json, string? signature)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = content };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await client.SendAsync(request);
    }

    private static Dictionary<string, string> Metadata(string? tenantId, string? plan)
    {
        var metadata = new Dictionary<string, string>();
        if (tenantId is not null)
        {
            metadata["tenant_id"] = tenantId;
        }

        if (plan is not null)
        {
            metadata["plan"] = plan;
        }

        return metadata;
    }
}

using System.Net;
using BetterData.Api.Tests.Billing;
using BetterData.Api.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static BetterData.Api.Tests.BadInput.BadInputRunner;

namespace BetterData.Api.Tests.BadInput;

/// <summary><c>POST /webhooks/stripe</c>: every hostile input gets its documented status and changes no billing state.</summary>
public sealed class StripeBadInputTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task StripeRoute_HostileInputs_GetDocumentedStatus_AndChangeNothing()
    {
        await using var app = new BetterDataApp(time: new FakeTimeProvider(Start));
        var (tenant, client) = await app.CreateTenantAsync();
        var http = app.Anonymous();
        var applied = StripeEvents.Subscription("evt_base", "customer.subscription.created", Start, "sub_1", "cus_1", tenantId: tenant);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Signed(applied))).StatusCode);

        var upgrade = StripeEvents.Subscription("evt_up", "customer.subscription.updated", Start.AddMinutes(1), "sub_1", "cus_1", lookupKey: "growth", tenantId: tenant);
        var replay = StripeEvents.Subscription("evt_base", "customer.subscription.updated", Start.AddMinutes(2), "sub_1", "cus_1", lookupKey: "enterprise", tenantId: tenant);
        var cases = new BadRequestCase[]
        {
            new("no signature", HttpStatusCode.BadRequest, () => Post("/webhooks/stripe", upgrade)),
            new("wrong signature", HttpStatusCode.BadRequest, () => Signed(upgrade.Replace("growth", "enterprise", StringComparison.Ordinal), StripeEvents.Sign(upgrade, Start))),
            new("wrong secret", HttpStatusCode.BadRequest, () => Signed(upgrade, StripeEvents.Sign(upgrade, Start, "whsec_not_ours"))),
            new("stale timestamp", HttpStatusCode.BadRequest, () => Signed(upgrade, StripeEvents.Sign(upgrade, Start.AddMinutes(-6)))),
            new("replayed id, same body", HttpStatusCode.OK, () => Signed(applied)),
            new("replayed id, new body", HttpStatusCode.OK, () => Signed(replay)),
            new("malformed JSON", HttpStatusCode.BadRequest, () => Signed("{\"id\":\"evt_m\",\"type\":")),
            new("truncated body, signed whole", HttpStatusCode.BadRequest, () => Signed(upgrade[..(upgrade.Length / 2)], StripeEvents.Sign(upgrade, Start))),
            new("truncated body, signed as sent", HttpStatusCode.BadRequest, () => Signed(upgrade[..(upgrade.Length / 2)])),
            new("body over the limit", HttpStatusCode.RequestEntityTooLarge, () => Signed(OverLimit)),
            new("wrong content type", HttpStatusCode.UnsupportedMediaType, () => Signed(upgrade, contentType: "text/plain")),
            new("unknown tenant (kept unmatched)", HttpStatusCode.OK, () => Signed(
                StripeEvents.Subscription("evt_nobody", "customer.subscription.updated", Start, "sub_9", "cus_9", lookupKey: "growth", tenantId: "no-such-tenant"))),
            new("unknown event type", HttpStatusCode.OK, () => Signed(StripeEvents.Envelope("evt_type", "charge.refunded", Start,
                new Dictionary<string, object?> { ["id"] = "ch_1", ["object"] = "charge", ["metadata"] = new { tenant_id = tenant } }, StripeEvents.CurrentApiVersion))),
            new("created is a string", HttpStatusCode.BadRequest, () => Signed(upgrade.Replace($"\"created\":{Start.AddMinutes(1).ToUnixTimeSeconds()}", "\"created\":\"yesterday\"", StringComparison.Ordinal))),
            new("data.object is an array", HttpStatusCode.BadRequest, () => Signed(StripeEvents.Envelope("evt_arr", "customer.subscription.updated", Start, new[] { 1, 2 }, StripeEvents.CurrentApiVersion))),
            new("huge event type", HttpStatusCode.OK, () => Signed(StripeEvents.Envelope("evt_huge", Huge, Start,
                new Dictionary<string, object?> { ["id"] = "x", ["object"] = "charge" }, StripeEvents.CurrentApiVersion))),
            new("deep nesting", HttpStatusCode.BadRequest, () => Signed("{\"id\":\"evt_deep\",\"object\":\"event\",\"type\":\"customer.subscription.updated\",\"created\":1,\"data\":{\"object\":{\"metadata\":" + Deep() + "}}}")),
        };

        await AssertAllAsync(http, cases, async () =>
            await client.GetStringAsync($"/api/tenants/{tenant}/billing") + await client.GetStringAsync($"/api/tenants/{tenant}/capabilities")
            + await client.GetStringAsync($"/api/tenants/{tenant}/audit"));
    }

    private static HttpRequestMessage Signed(string json, string? signature = null, string contentType = "application/json") =>
        Post("/webhooks/stripe", json, contentType, ("Stripe-Signature", signature ?? StripeEvents.Sign(json, Start)));
}

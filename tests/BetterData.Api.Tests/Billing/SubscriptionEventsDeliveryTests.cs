using System.Text.Json;
using BetterData.Api.Tests.Delivery;
using BetterData.Api.Tests.Infrastructure;

namespace BetterData.Api.Tests.Billing;

/// <summary>Billing's outbound side, end to end: a Stripe plan change reaches the tenant's endpoint, signed.</summary>
public sealed class SubscriptionEventsDeliveryTests
{
    [Fact]
    public async Task SubscriptionUpdated_PlanChange_IsDeliveredToSubscribedEndpointOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new BetterDataApp();
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url, "subscription.updated");
        receiver.Secrets.Add(endpoint.Secret);
        var stripe = app.Anonymous();
        var now = DateTimeOffset.UtcNow;

        var created = StripeEvents.Subscription("evt_c", "customer.subscription.created", now.AddSeconds(-10), "sub_1", "cus_1",
            lookupKey: "starter", tenantId: tenant);
        var updated = StripeEvents.Subscription("evt_u", "customer.subscription.updated", now.AddSeconds(-5), "sub_1", "cus_1",
            lookupKey: "growth", tenantId: tenant);
        (await stripe.PostAsync(created, StripeEvents.Sign(created, now))).EnsureSuccessStatusCode();
        (await stripe.PostAsync(updated, StripeEvents.Sign(updated, now))).EnsureSuccessStatusCode();
        (await stripe.PostAsync(updated, StripeEvents.Sign(updated, now))).EnsureSuccessStatusCode();

        var received = await receiver.WaitForAsync(1, TimeSpan.FromSeconds(30));
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal("subscription.updated", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(tenant, body.RootElement.GetProperty("tenantId").GetString());
        Assert.Contains("growth", body.RootElement.GetProperty("data").GetRawText(), StringComparison.Ordinal);
        Assert.True(received.StandardValid && received.BetterDataValid);

        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(receiver.Requests);
    }
}

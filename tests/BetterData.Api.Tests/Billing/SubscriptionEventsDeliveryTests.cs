using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Tests.Delivery;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Events;

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

    // The plan is enforced where events are published, for the API and internal producers alike, from capabilities
    // the events grain caches: a plan change shows in the very next publish.
    [Fact]
    public async Task PlanWithoutOutboundWebhooks_RefusesEveryPublisher_AndAPlanChangeShowsInTheNextPublish()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new BetterDataApp(settings: new Dictionary<string, string?> { ["Billing:Plans:starter:OutboundWebhooks"] = "false" });
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url); // on free, which has them
        var events = app.Grains.GetGrain<ITenantEventsGrain>(tenant);
        var stripe = app.Anonymous();
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(1, (await client.PublishAsync(tenant, "checkout.completed", new { n = 1 })).Deliveries);

        var starter = StripeEvents.Subscription("evt_s", "customer.subscription.created", now.AddSeconds(-10), "sub_1", "cus_1", lookupKey: "starter", tenantId: tenant);
        (await stripe.PostAsync(starter, StripeEvents.Sign(starter, now))).EnsureSuccessStatusCode();

        var refused = await client.PostAsJsonAsync($"/api/tenants/{tenant}/events", new { type = "checkout.completed", data = new { n = 2 } });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("outbound_webhooks", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("capability").GetString());
        var internalPublish = await events.PublishAsync(new PublishRequest("order.allocation_succeeded", """{"orderId":"o1"}""", "order:o1"));
        Assert.Equal(new PublishResult("", false, 0, "starter"), internalPublish);

        var growth = StripeEvents.Subscription("evt_g", "customer.subscription.updated", now.AddSeconds(-5), "sub_1", "cus_1", lookupKey: "growth", tenantId: tenant);
        (await stripe.PostAsync(growth, StripeEvents.Sign(growth, now))).EnsureSuccessStatusCode();
        Assert.Equal(1, (await client.PublishAsync(tenant, "checkout.completed", new { n = 3 })).Deliveries);

        // Nothing was stored for the refused publishes: the endpoint got n=1, the plan change and n=3, nothing else.
        var types = (await client.DeliveriesAsync(tenant, endpoint.Endpoint.Id)).Items.Select(d => d.EventType).Order(StringComparer.Ordinal);
        Assert.Equal(["checkout.completed", "checkout.completed", "subscription.updated"], types);
    }
}

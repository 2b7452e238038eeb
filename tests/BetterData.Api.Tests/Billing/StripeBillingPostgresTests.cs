using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BetterData.Api.Tests.Billing;

[Collection(PostgresCollection.Name)]
public sealed class StripeBillingPostgresTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task BillingStateSnapshotAndAudit_SurviveProcessRestart()
    {
        var cs = await postgres.NewDatabaseAsync();
        var time = new FakeTimeProvider(Start);
        string tenant;
        string apiKey;
        await using (var first = new BetterDataApp(postgres: cs, time: time))
        {
            var created = await first.Admin().PostAsJsonAsync("/api/tenants", new { name = "Durable", id = "durable" });
            created.EnsureSuccessStatusCode();
            var body = await created.Content.ReadFromJsonAsync<JsonElement>();
            tenant = body.GetProperty("id").GetString()!;
            apiKey = body.GetProperty("apiKey").GetString()!;
            await SendAsync(first, time, StripeEvents.Subscription("evt_pc", "customer.subscription.created", Start, "sub_p", "cus_p", tenantId: tenant));
            await SendAsync(first, time, StripeEvents.Subscription("evt_pu", "customer.subscription.updated", Start.AddMinutes(1), "sub_p", "cus_p",
                lookupKey: "growth", tenantId: tenant));
        }

        await using var second = new BetterDataApp(postgres: cs, time: time);
        var client = second.WithKey(apiKey);

        var capabilities = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/capabilities");
        var billing = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/billing");
        var audit = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/audit");
        Assert.Equal(2, capabilities.GetProperty("version").GetInt32());
        Assert.Equal("growth", capabilities.GetProperty("plan").GetString());
        Assert.Equal("sub_p", billing.GetProperty("subscriptionId").GetString());
        Assert.Equal(["evt_pu", "evt_pc"], audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()!).ToArray());

        // The dedupe window and the customer → tenant memory are durable too.
        var again = await SendAsync(second, time, StripeEvents.Subscription("evt_pu", "customer.subscription.updated", Start.AddMinutes(1), "sub_p", "cus_p",
            lookupKey: "growth", tenantId: tenant));
        await SendAsync(second, time, StripeEvents.Invoice("evt_pi", "invoice.paid", Start.AddMinutes(2), "in_p", "cus_p", "sub_p"));
        Assert.Equal("duplicate", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
        Assert.Equal("in_p", (await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/billing")).GetProperty("lastPaidInvoiceId").GetString());
    }

    private static Task<HttpResponseMessage> SendAsync(BetterDataApp app, TimeProvider time, string json) =>
        app.Anonymous().PostAsync(json, StripeEvents.Sign(json, time.GetUtcNow()));
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Billing;
using Microsoft.Extensions.Time.Testing;

namespace BetterData.Api.Tests.Billing;

public sealed class StripeWebhookTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider time = new(Start);

    [Fact]
    public async Task SubscriptionCreated_ForTenantInMetadata_ProvisionsPlanAsSnapshotVersion1()
    {
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync("acme");

        var response = await SendAsync(app, StripeEvents.Subscription("evt_c1", "customer.subscription.created", Start, "sub_1", "cus_1", tenantId: tenant));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("accepted", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
        var capabilities = await GetAsync(client, $"/api/tenants/{tenant}/capabilities");
        Assert.Equal(1, capabilities.GetProperty("version").GetInt32());
        Assert.Equal("starter", capabilities.GetProperty("plan").GetString());
        Assert.Equal(5, capabilities.GetProperty("maxEndpoints").GetInt32());
        Assert.Equal("evt_c1", capabilities.GetProperty("sourceEventId").GetString());
        var billing = await GetAsync(client, $"/api/tenants/{tenant}/billing");
        Assert.Equal("cus_1", billing.GetProperty("customerId").GetString());
        Assert.Equal("sub_1", billing.GetProperty("subscriptionId").GetString());
        Assert.Equal("active", billing.GetProperty("status").GetString());
        Assert.Equal(Start.AddDays(30), billing.GetProperty("currentPeriodEnd").GetDateTimeOffset());
        var audit = (await GetAsync(client, $"/api/tenants/{tenant}/audit")).GetProperty("entries");
        Assert.Equal(1, audit.GetArrayLength());
        Assert.Equal("free", audit[0].GetProperty("planBefore").GetString());
        Assert.Equal("starter", audit[0].GetProperty("planAfter").GetString());
    }

    [Fact]
    public async Task SubscriptionUpdated_PlanChange_RecomputesSnapshotAndAudits()
    {
        await using var app = new BetterDataApp(time: time, settings: new Dictionary<string, string?> { ["Billing:PriceToPlan:price_g"] = "growth" });
        var (tenant, client) = await app.CreateTenantAsync();
        await SendAsync(app, StripeEvents.Subscription("evt_c", "customer.subscription.created", Start, "sub_1", "cus_1", tenantId: tenant));

        var started = Stopwatch.GetTimestamp();
        var response = await SendAsync(app, StripeEvents.Subscription("evt_u", "customer.subscription.updated", Start.AddMinutes(5), "sub_1", "cus_1",
            lookupKey: "unmapped", priceId: "price_g", tenantId: tenant));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2), "acknowledged within 2 s");
        var capabilities = await GetAsync(client, $"/api/tenants/{tenant}/capabilities");
        Assert.Equal(2, capabilities.GetProperty("version").GetInt32());
        Assert.Equal("growth", capabilities.GetProperty("plan").GetString());
        Assert.True(capabilities.GetProperty("federation").GetBoolean());
        var latest = (await GetAsync(client, $"/api/tenants/{tenant}/audit")).GetProperty("entries")[0];
        Assert.Equal("evt_u", latest.GetProperty("eventId").GetString());
        Assert.Equal("starter", latest.GetProperty("planBefore").GetString());
        Assert.Equal("growth", latest.GetProperty("planAfter").GetString());
    }

    [Fact]
    public async Task SubscriptionDeleted_DowngradesToFree_AndRevokesPaidCapabilities()
    {
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();
        await SendAsync(app, StripeEvents.Subscription("evt_c", "customer.subscription.created", Start, "sub_1", "cus_1", lookupKey: "growth", tenantId: tenant));

        await SendAsync(app, StripeEvents.Subscription("evt_d", "customer.subscription.deleted", Start.AddHours(1), "sub_1", "cus_1",
            status: "canceled", lookupKey: "growth", tenantId: tenant));

        var capabilities = await GetAsync(client, $"/api/tenants/{tenant}/capabilities");
        Assert.Equal("free", capabilities.GetProperty("plan").GetString());
        Assert.Equal(2, capabilities.GetProperty("version").GetInt32());
        Assert.False(capabilities.GetProperty("federation").GetBoolean());
        Assert.Equal(1, capabilities.GetProperty("maxEndpoints").GetInt32());
        Assert.Equal("canceled", (await GetAsync(client, $"/api/tenants/{tenant}/billing")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task InvoicePaid_CarryingOnlyTheCustomer_ReachesTenantAndIsAudited()
    {
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();
        await SendAsync(app, StripeEvents.Subscription("evt_c", "customer.subscription.created", Start, "sub_1", "cus_paid", tenantId: tenant));

        var response = await SendAsync(app, StripeEvents.Invoice("evt_p", "invoice.paid", Start.AddMinutes(1), "in_1", "cus_paid", "sub_1"));

        Assert.Equal("accepted", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
        var billing = await GetAsync(client, $"/api/tenants/{tenant}/billing");
        Assert.Equal("in_1", billing.GetProperty("lastPaidInvoiceId").GetString());
        var latest = (await GetAsync(client, $"/api/tenants/{tenant}/audit")).GetProperty("entries")[0];
        Assert.Equal("invoice.paid", latest.GetProperty("type").GetString());
        Assert.Equal("evt_p", latest.GetProperty("eventId").GetString());
    }

    [Fact]
    public async Task InvoicePaymentFailed_RecordsAttemptAndRaisesOpsAlert()
    {
        using var alerts = new CounterProbe("betterdata.alerts.raised", "payment_failed");
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();
        await SendAsync(app, StripeEvents.Subscription("evt_c", "customer.subscription.created", Start, "sub_1", "cus_f", tenantId: tenant));

        var next = Start.AddDays(3);
        await SendAsync(app, StripeEvents.Invoice("evt_f", "invoice.payment_failed", Start.AddMinutes(1), "in_f", "cus_f", "sub_1", attemptCount: 2, nextAttempt: next));

        var billing = await GetAsync(client, $"/api/tenants/{tenant}/billing");
        Assert.Equal("in_f", billing.GetProperty("lastFailedInvoiceId").GetString());
        Assert.Equal(2, billing.GetProperty("failedAttemptCount").GetInt64());
        Assert.Equal(next, billing.GetProperty("nextPaymentAttempt").GetDateTimeOffset());
        Assert.True(alerts.Count >= 1, "an ops alert of kind payment_failed was raised");
        Assert.Equal("invoice.payment_failed", (await GetAsync(client, $"/api/tenants/{tenant}/audit")).GetProperty("entries")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task DuplicateEventId_ChangesNothing_AndWritesOneAuditEntry()
    {
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();
        var json = StripeEvents.Subscription("evt_dup", "customer.subscription.created", Start, "sub_1", "cus_1", tenantId: tenant);

        await SendAsync(app, json);
        time.Advance(TimeSpan.FromMinutes(1));
        var again = await SendAsync(app, json);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("duplicate", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
        Assert.Equal(1, (await GetAsync(client, $"/api/tenants/{tenant}/audit")).GetProperty("entries").GetArrayLength());
        Assert.Equal(1, (await GetAsync(client, $"/api/tenants/{tenant}/capabilities")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task UpdatedBeforeCreated_OlderCreatedDoesNotOverwriteNewerState()
    {
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();

        await SendAsync(app, StripeEvents.Subscription("evt_u", "customer.subscription.updated", Start.AddMinutes(2), "sub_1", "cus_1", lookupKey: "growth", tenantId: tenant));
        await SendAsync(app, StripeEvents.Subscription("evt_c", "customer.subscription.created", Start, "sub_1", "cus_1", lookupKey: "starter", tenantId: tenant));

        var capabilities = await GetAsync(client, $"/api/tenants/{tenant}/capabilities");
        Assert.Equal("growth", capabilities.GetProperty("plan").GetString());
        Assert.Equal(1, capabilities.GetProperty("version").GetInt32());
        Assert.Equal("evt_u", (await GetAsync(client, $"/api/tenants/{tenant}/billing")).GetProperty("lastEventId").GetString());
        Assert.Equal(2, (await GetAsync(client, $"/api/tenants/{tenant}/audit")).GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task DeletedThenLateUpdated_KeepsTenantDowngraded()
    {
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();
        await SendAsync(app, StripeEvents.Subscription("evt_c", "customer.subscription.created", Start, "sub_1", "cus_1", lookupKey: "growth", tenantId: tenant));
        await SendAsync(app, StripeEvents.Subscription("evt_d", "customer.subscription.deleted", Start.AddHours(2), "sub_1", "cus_1", status: "canceled", tenantId: tenant));

        // Created before the deletion, delivered after it.
        var late = await SendAsync(app, StripeEvents.Subscription("evt_u", "customer.subscription.updated", Start.AddHours(1), "sub_1", "cus_1",
            lookupKey: "enterprise", tenantId: tenant));
        // Same second as the deletion: deleted still wins.
        await SendAsync(app, StripeEvents.Subscription("evt_u2", "customer.subscription.updated", Start.AddHours(2), "sub_1", "cus_1",
            lookupKey: "enterprise", tenantId: tenant));
        // An update to the ended subscription (e.g. its metadata) does not bring the plan back.
        await SendAsync(app, StripeEvents.Subscription("evt_u3", "customer.subscription.updated", Start.AddHours(3), "sub_1", "cus_1",
            lookupKey: "enterprise", tenantId: tenant));

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        var capabilities = await GetAsync(client, $"/api/tenants/{tenant}/capabilities");
        Assert.Equal("free", capabilities.GetProperty("plan").GetString());
        Assert.Equal("canceled", (await GetAsync(client, $"/api/tenants/{tenant}/billing")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task BadSignatures_Are400WithProblemBody_AndChangeNothing()
    {
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();
        var json = StripeEvents.Subscription("evt_x", "customer.subscription.created", Start, "sub_1", "cus_1", lookupKey: "growth", tenantId: tenant);
        var http = app.Anonymous();

        var missing = await http.PostAsync(json, signature: null);
        var wrongSecret = await http.PostAsync(json, StripeEvents.Sign(json, Start, "whsec_someone_else"));
        var stale = await http.PostAsync(json, StripeEvents.Sign(json, Start.AddSeconds(-301)));
        var malformedHeader = await http.PostAsync(json, "v1=abc;t=oops");
        var tampered = await http.PostAsync(json.Replace("growth", "enterprise", StringComparison.Ordinal), StripeEvents.Sign(json, Start));

        foreach (var (response, reason) in new[]
                 {
                     (missing, "signature_missing"), (wrongSecret, "signature_invalid"), (stale, "signature_stale"),
                     (malformedHeader, "signature_invalid"), (tampered, "signature_invalid"),
                 })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(reason, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        }

        Assert.Equal(0, (await GetAsync(client, $"/api/tenants/{tenant}/capabilities")).GetProperty("version").GetInt32());
        Assert.Equal(0, (await GetAsync(client, $"/api/tenants/{tenant}/audit")).GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task SignatureWithinTolerance_IsAccepted()
    {
        await using var app = new BetterDataApp(time: time);
        var (tenant, _) = await app.CreateTenantAsync();
        var json = StripeEvents.Subscription("evt_ok", "customer.subscription.created", Start, "sub_1", "cus_1", tenantId: tenant);

        var response = await app.Anonymous().PostAsync(json, StripeEvents.Sign(json, Start.AddSeconds(-299)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task MalformedJson_CorrectlySigned_Is400()
    {
        await using var app = new BetterDataApp(time: time);

        var broken = await SendAsync(app, "{\"id\": \"evt_1\", \"type\": ");
        var noObject = await SendAsync(app, "{\"id\":\"evt_2\",\"object\":\"event\",\"type\":\"customer.subscription.created\",\"created\":1,\"data\":{}}");

        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("invalid_payload", (await broken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noObject.StatusCode);
    }

    [Fact]
    public async Task EventOfAnotherApiVersion_WithOlderShape_IsApplied()
    {
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();

        var subscription = await SendAsync(app, StripeEvents.LegacySubscription("evt_l", "customer.subscription.created", Start, "sub_l", "cus_l", "growth", tenant));
        var failed = await SendAsync(app, StripeEvents.Invoice("evt_lf", "invoice.payment_failed", Start.AddMinutes(1), "in_l", "cus_l", "sub_l", legacy: true));

        Assert.Equal(HttpStatusCode.OK, subscription.StatusCode);
        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        var billing = await GetAsync(client, $"/api/tenants/{tenant}/billing");
        Assert.Equal("growth", billing.GetProperty("plan").GetString());
        Assert.Equal(Start.AddDays(30), billing.GetProperty("currentPeriodEnd").GetDateTimeOffset());
        Assert.Equal("in_l", billing.GetProperty("lastFailedInvoiceId").GetString());
    }

    [Fact]
    public async Task UnhandledEventType_Is200_AndChangesNothing()
    {
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();

        var response = await SendAsync(app, StripeEvents.Envelope("evt_ch", "charge.succeeded", Start,
            new Dictionary<string, object?> { ["id"] = "ch_1", ["object"] = "charge", ["customer"] = "cus_1", ["metadata"] = new { tenant_id = tenant } },
            StripeEvents.CurrentApiVersion));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
        Assert.Equal(0, (await GetAsync(client, $"/api/tenants/{tenant}/audit")).GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task UnknownTenant_Is200_KeptUnmatched_AndReplayedOnceTenantExists()
    {
        await using var app = new BetterDataApp(time: time);
        var json = StripeEvents.Subscription("evt_early", "customer.subscription.created", Start, "sub_e", "cus_e", lookupKey: "growth", tenantId: "late-tenant");

        var response = await SendAsync(app, json);
        var orphanInvoice = await SendAsync(app, StripeEvents.Invoice("evt_orphan", "invoice.paid", Start, "in_o", "cus_nobody", "sub_o"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, orphanInvoice.StatusCode);
        var unmatched = await GetAsync(app.Admin(), "/api/admin/stripe/unmatched");
        Assert.Equal(["evt_orphan", "evt_early"], unmatched.EnumerateArray().Select(e => e.GetProperty("eventId").GetString()!).ToArray());
        var tooEarly = await app.Admin().PostAsync(new Uri("/api/admin/stripe/unmatched/evt_early/replay", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Conflict, tooEarly.StatusCode);

        var (tenant, client) = await app.CreateTenantAsync("late-tenant");
        var replay = await app.Admin().PostAsync(new Uri("/api/admin/stripe/unmatched/evt_early/replay", UriKind.Relative), null);
        var assigned = await app.Admin().PostAsJsonAsync("/api/admin/stripe/unmatched/evt_orphan/replay", new { tenantId = tenant });

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Equal("growth", (await GetAsync(client, $"/api/tenants/{tenant}/capabilities")).GetProperty("plan").GetString());
        Assert.Equal("in_o", (await GetAsync(client, $"/api/tenants/{tenant}/billing")).GetProperty("lastPaidInvoiceId").GetString());
        Assert.Equal(0, (await GetAsync(app.Admin(), "/api/admin/stripe/unmatched")).GetArrayLength());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(new Uri("/api/admin/stripe/unmatched", UriKind.Relative))).StatusCode);
    }

    // Unmatched events are one grain state, read and written whole: bounded by total JSON as well as by count.
    [Fact]
    public async Task UnmatchedEvents_AreBoundedByTotalJson_OldestDropped_NewestAlwaysKept()
    {
        await using var app = new BetterDataApp(time: time);
        var unmatched = app.Grains.GetGrain<IStripeUnmatchedEventsGrain>(IStripeUnmatchedEventsGrain.Key);
        var big = new string('x', StripeUnmatchedEventsGrain.MaxJsonChars / 3 + 1);
        foreach (var id in new[] { "evt_1", "evt_2", "evt_3", "evt_4" })
        {
            await unmatched.AddAsync(new UnmatchedStripeEvent(id, "invoice.paid", null, null, "no tenant", Start, big));
        }

        Assert.Equal(["evt_4", "evt_3"], (await unmatched.ListAsync()).Select(e => e.EventId));
        var huge = new string('y', StripeUnmatchedEventsGrain.MaxJsonChars + 1);
        await unmatched.AddAsync(new UnmatchedStripeEvent("evt_huge", "invoice.paid", null, null, "no tenant", Start, huge));
        Assert.Equal(["evt_huge"], (await unmatched.ListAsync()).Select(e => e.EventId));
    }

    [Fact]
    public async Task CustomerMetadata_NamesTenant_ForLaterInvoices()
    {
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();

        await SendAsync(app, StripeEvents.Customer("evt_cu", "customer.created", Start, "cus_meta", tenant));
        await SendAsync(app, StripeEvents.Subscription("evt_c", "customer.subscription.created", Start.AddSeconds(1), "sub_m", "cus_meta", lookupKey: "growth"));

        Assert.Equal("growth", (await GetAsync(client, $"/api/tenants/{tenant}/capabilities")).GetProperty("plan").GetString());
    }

    [Fact]
    public async Task Audit_PagesNewestFirst_WithOpaqueCursor()
    {
        await using var app = new BetterDataApp(time: time);
        var (tenant, client) = await app.CreateTenantAsync();
        await SendAsync(app, StripeEvents.Subscription("evt_0", "customer.subscription.created", Start, "sub_1", "cus_1", tenantId: tenant));
        for (var i = 1; i <= 4; i++)
        {
            await SendAsync(app, StripeEvents.Invoice($"evt_{i}", "invoice.paid", Start.AddMinutes(i), $"in_{i}", "cus_1", "sub_1"));
        }

        var first = await GetAsync(client, $"/api/tenants/{tenant}/audit?limit=2");
        var second = await GetAsync(client, $"/api/tenants/{tenant}/audit?limit=2&cursor={first.GetProperty("nextCursor").GetString()}");
        var third = await GetAsync(client, $"/api/tenants/{tenant}/audit?limit=2&cursor={second.GetProperty("nextCursor").GetString()}");
        var bad = await client.GetAsync(new Uri($"/api/tenants/{tenant}/audit?cursor=nope", UriKind.Relative));

        string[] Ids(JsonElement page) => page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()!).ToArray();
        Assert.Equal(["evt_4", "evt_3"], Ids(first));
        Assert.Equal(["evt_2", "evt_1"], Ids(second));
        Assert.Equal(["evt_0"], Ids(third));
        Assert.Equal(JsonValueKind.Null, third.GetProperty("nextCursor").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private Task<HttpResponseMessage> SendAsync(BetterDataApp app, string json) =>
        app.Anonymous().PostAsync(json, StripeEvents.Sign(json, time.GetUtcNow()));

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Counts a meter instrument's increments carrying kind=<paramref name="kind"/> while alive.</summary>
    private sealed class CounterProbe : IDisposable
    {
        private readonly MeterListener listener = new();
        private long count;

        public CounterProbe(string instrument, string kind)
        {
            listener.InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == "BetterData" && i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "kind" && Equals(tag.Value, kind))
                    {
                        Interlocked.Add(ref count, value);
                    }
                }
            });
            listener.Start();
        }

        public long Count => Interlocked.Read(ref count);

        public void Dispose() => listener.Dispose();
    }
}

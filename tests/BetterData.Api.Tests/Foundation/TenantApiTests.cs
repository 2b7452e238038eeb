using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Management;
using BetterData.Api.Tests.Commerce;
using BetterData.Api.Tests.Delivery;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Connections;
using BetterData.Grains.Delivery;
using BetterData.Grains.Hosting;
using BetterData.Grains.Hosting.Auth;
using BetterData.Grains.Tenants;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;

namespace BetterData.Api.Tests.Foundation;

public sealed class TenantApiTests
{
    [Fact]
    public async Task Create_WithAdminKey_ReturnsTenantAndKeyOnce()
    {
        await using var app = new BetterDataApp();
        var response = await app.Admin().PostAsJsonAsync("/api/tenants", new { name = "Acme", id = "acme" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<CreatedTenant>();
        Assert.Equal("acme", created!.Id);
        Assert.StartsWith("bd_", created.ApiKey, StringComparison.Ordinal);

        var fetched = await app.WithKey(created.ApiKey).GetStringAsync("/api/tenants/acme");
        Assert.DoesNotContain(created.ApiKey, fetched, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_AdminOnly_PagesInIdOrder_AndAnUnlistedTenantListsItselfWhenItActivates()
    {
        await using var app = new BetterDataApp();
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        foreach (var id in new[] { "c-co", "a-co", "b-co" })
        {
            await app.CreateTenantAsync(id);
        }

        var admin = app.Admin();
        var first = (await admin.GetFromJsonAsync<TenantPage>("/api/tenants?limit=2", json))!;
        Assert.Equal(["a-co", "b-co"], first.Data.Select(t => t.Id));
        var second = (await admin.GetFromJsonAsync<TenantPage>($"/api/tenants?limit=2&after={first.Next}", json))!;
        Assert.Equal(["c-co"], second.Data.Select(t => t.Id));
        Assert.Null(second.Next);
        var (_, tenant) = await app.CreateTenantAsync("d-co");
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.GetAsync("/api/tenants")).StatusCode);

        // A tenant stored without its listing (created before the directory existed, or a crash between the two
        // writes), written straight to storage before it ever activates: its next activation lists it.
        var legacy = app.Grains.GetGrain<ITenantGrain>("legacy-co").GetGrainId();
        await app.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default).WriteStateAsync("tenant", legacy,
            new GrainState<TenantState>(new TenantState { Name = "Legacy", ApiKeyHash = new byte[32], CreatedAt = DateTimeOffset.UnixEpoch }));
        Assert.DoesNotContain("legacy-co", await admin.GetStringAsync("/api/tenants?limit=500"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/tenants/legacy-co")).StatusCode);
        var all = (await admin.GetFromJsonAsync<TenantPage>("/api/tenants?limit=500", json))!;
        Assert.Equal(["a-co", "b-co", "c-co", "d-co", "legacy-co"], all.Data.Select(t => t.Id));
        Assert.Equal("Legacy", all.Data[^1].Name);
    }

    [Fact]
    public async Task Delete_AdminOnly_RevokesTheKey_DeletesEndpoints_ReleasesStores_Unlists_AndKeepsTheIdTaken()
    {
        await using var app = new BetterDataApp();
        await using var receiver = await WebhookReceiver.StartAsync();
        var shop = await CommerceClient.CreateAsync(app);
        var tenant = shop.TenantId;
        var endpoint = await shop.Tenant.CreateEndpointAsync(tenant, receiver.Url, "order.allocation_succeeded");
        var admin = app.Admin();

        Assert.Equal(HttpStatusCode.Forbidden, (await shop.Tenant.DeleteAsync($"/api/tenants/{tenant}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/tenants/no-such-tenant")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/tenants/{tenant}")).StatusCode);

        // The key stops working; the tenant is gone from reads and the list.
        Assert.Equal(HttpStatusCode.Unauthorized, (await shop.Tenant.GetAsync($"/api/tenants/{tenant}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/tenants/{tenant}")).StatusCode);
        Assert.DoesNotContain(tenant, await admin.GetStringAsync("/api/tenants?limit=500"), StringComparison.Ordinal);
        // Its routes are a 404 even for the admin; its endpoints are deleted; its store answers as an unknown one.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/tenants/{tenant}/endpoints")).StatusCode);
        Assert.Empty(await app.Grains.GetGrain<IEndpointRegistryGrain>(tenant).ListEndpointIdsAsync());
        Assert.Null(await app.Grains.GetGrain<IEndpointDeliveryGrain>(endpoint.Endpoint.Id).GetAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await shop.ShopifyAsync("products/create", CommerceClient.Product(1, "A", DateTimeOffset.UtcNow, (11, "A", 111)))).StatusCode);
        Assert.Null(await app.Grains.GetGrain<ICommerceConnectionGrain>(ConnectionKeys.Of(ConnectionKeys.Shopify, "acme.myshopify.com")).GetAsync());
        Assert.Empty(await app.Grains.GetGrain<ITenantConnectionsGrain>(tenant).ListAsync());

        // Another tenant may connect the store now; the id stays taken; deleting again is a no-op.
        var (otherId, other) = await app.CreateTenantAsync();
        Assert.Equal(HttpStatusCode.OK, (await other.PutAsJsonAsync($"/api/tenants/{otherId}/connections/shopify",
            new { shopDomain = "acme.myshopify.com", webhookSecret = "new-owner" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/tenants", new { name = "Again", id = tenant })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/tenants/{tenant}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await shop.ShopifyAsync("products/create", CommerceClient.Product(2, "B", DateTimeOffset.UtcNow, (21, "B", 211)),
            secret: "new-owner")).StatusCode);
    }

    [Fact]
    public async Task Create_WithoutKey_Is401WithProblemBody()
    {
        await using var app = new BetterDataApp();
        var response = await app.Anonymous().PostAsJsonAsync("/api/tenants", new { name = "Acme" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Create_WithTenantKey_Is403()
    {
        await using var app = new BetterDataApp();
        var (_, tenant) = await app.CreateTenantAsync();

        var response = await tenant.PostAsJsonAsync("/api/tenants", new { name = "Other" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task TenantRoute_WithAnotherTenantsKey_Is403_AndWithWrongKey_Is401()
    {
        await using var app = new BetterDataApp();
        var (a, _) = await app.CreateTenantAsync("tenant-a");
        var (_, b) = await app.CreateTenantAsync("tenant-b");

        Assert.Equal(HttpStatusCode.Forbidden, (await b.GetAsync($"/api/tenants/{a}")).StatusCode);
        var forged = "bd_" + new string('0', 64) + "_tenant-a";
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.WithKey(forged).GetAsync($"/api/tenants/{a}")).StatusCode);
    }

    [Fact]
    public async Task Create_DuplicateId_Is409_AndInvalidInput_Is400()
    {
        await using var app = new BetterDataApp();
        await app.CreateTenantAsync("dup");

        var again = await app.Admin().PostAsJsonAsync("/api/tenants", new { name = "x", id = "dup" });
        var invalid = await app.Admin().PostAsJsonAsync("/api/tenants", new { name = "", id = "Bad Id!" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var problem = await invalid.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("id", out _));
    }

    [Fact]
    public async Task Create_BodyOver1MiB_Is413WithProblemBody_AndCreatesNothing()
    {
        await using var app = new BetterDataApp();
        // Expect: 100-continue lets the server refuse before the client sends the body, as large uploads should. The
        // client waits for that answer however busy the machine (by default it sends the body after 1 s regardless, and a
        // server that has already refused may close the connection under it).
        using var admin = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) })
        {
            BaseAddress = app.Admin().BaseAddress,
        };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", BetterDataApp.AdminKey);
        admin.DefaultRequestHeaders.ExpectContinue = true;

        var response = await admin.PostAsJsonAsync("/api/tenants", new { name = new string('x', 1_100_000), id = "huge" });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin().GetAsync("/api/tenants/huge")).StatusCode);
    }

    [Fact]
    public async Task RotateKey_IssuesNewKey_AndOldKeyStopsWorking()
    {
        await using var app = new BetterDataApp();
        var (id, oldClient) = await app.CreateTenantAsync("rotating");

        var response = await oldClient.PostAsync($"/api/tenants/{id}/rotate-key", null);
        var rotated = await response.Content.ReadFromJsonAsync<CreatedTenant>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await oldClient.GetAsync($"/api/tenants/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.WithKey(rotated!.ApiKey).GetAsync($"/api/tenants/{id}")).StatusCode);
    }

    [Fact]
    public async Task TenantKey_ReplacedThroughAnotherProcess_StopsWorkingHereWithinTheTtl()
    {
        // Only the key cache runs on the fake clock (Orleans' membership and watchdog keep the real one).
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new BetterDataApp(services: s => s.AddSingleton(new VerifiedApiKeys(time)));
        var (id, oldClient) = await app.CreateTenantAsync("replaced-elsewhere");
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync($"/api/tenants/{id}")).StatusCode);

        // Another API process rotates the key: the grain changes, this process's cache is not told.
        var newKey = ApiKeys.NewTenantKey(id);
        Assert.True(await app.Grains.GetGrain<ITenantGrain>(id).ReplaceApiKeyAsync(ApiKeys.Hash(newKey)));

        // Verified here within the last second: still accepted, as documented, until the entry expires.
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync($"/api/tenants/{id}")).StatusCode);
        time.Advance(VerifiedApiKeys.Ttl);
        Assert.Equal(HttpStatusCode.Unauthorized, (await oldClient.GetAsync($"/api/tenants/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.WithKey(newKey).GetAsync($"/api/tenants/{id}")).StatusCode);
    }

    [Fact]
    public void VerifiedKeys_KeepAKeyForTheTtl_ButNotAVerificationAForgetOverlapped()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var keys = new VerifiedApiKeys(time);
        byte[] key = [1, 2, 3], other = [1, 2, 4];

        keys.Remember("acme", key, keys.Begin());
        Assert.True(keys.IsVerified("acme", key));
        Assert.False(keys.IsVerified("acme", other));
        Assert.False(keys.IsVerified("other-tenant", key));
        time.Advance(VerifiedApiKeys.Ttl - TimeSpan.FromTicks(1));
        Assert.True(keys.IsVerified("acme", key));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.False(keys.IsVerified("acme", key));

        // Kept for the TTL from when the verification began, not from when the grain answered.
        var slow = keys.Begin();
        time.Advance(TimeSpan.FromMilliseconds(900));
        keys.Remember("acme", key, slow);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(keys.IsVerified("acme", key));

        // A verification that began before a rotation's forget and finishes after it is not kept.
        var overlapped = keys.Begin();
        keys.Forget("acme");
        keys.Remember("acme", key, overlapped);
        Assert.False(keys.IsVerified("acme", key));

        keys.Remember("acme", key, keys.Begin());
        keys.Forget("acme");
        Assert.False(keys.IsVerified("acme", key));
    }

    [Fact]
    public async Task Operations_Endpoints_AreServed()
    {
        await using var app = new BetterDataApp();
        var client = app.Anonymous();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Contains("\"openapi\"", await client.GetStringAsync("/openapi/v1.json"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Admin().GetAsync("/dashboard/")).StatusCode);
        Assert.Contains("betterdata_delivery_backlog", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operations_DashboardTurnedOff_NotServed_SiloStillReady()
    {
        await using var app = new BetterDataApp(settings: new Dictionary<string, string?> { ["Orleans:Dashboard"] = "false" });

        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin().GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await app.Admin().PostAsJsonAsync("/api/tenants", new { name = "No dashboard" })).StatusCode);
    }
}

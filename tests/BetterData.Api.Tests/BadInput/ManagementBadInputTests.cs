using System.Net;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Connections;
using BetterData.Grains.Delivery;
using static BetterData.Api.Tests.BadInput.BadInputRunner;

namespace BetterData.Api.Tests.BadInput;

/// <summary>
/// The management API: hostile requests get their documented status and create or change no tenant, and the admin key
/// writes nothing under a tenant that does not exist.
/// </summary>
public sealed class ManagementBadInputTests
{
    [Fact]
    public async Task TenantRoutes_HostileInputs_GetDocumentedStatus_AndChangeNothing()
    {
        await using var app = new BetterDataApp();
        var (tenant, tenantClient) = await app.CreateTenantAsync("acme");
        var (_, otherClient) = await app.CreateTenantAsync("other");
        var tenantKey = tenantClient.DefaultRequestHeaders.Authorization!.Parameter!;
        var otherKey = otherClient.DefaultRequestHeaders.Authorization!.Parameter!;
        var admin = ("Authorization", "Bearer " + BetterDataApp.AdminKey);
        const string valid = """{"name":"Victim","id":"victim"}""";

        var cases = new BadRequestCase[]
        {
            new("create, no key", HttpStatusCode.Unauthorized, () => Post("/api/tenants", valid)),
            new("create, wrong key", HttpStatusCode.Unauthorized, () => Post("/api/tenants", valid, headers: ("Authorization", "Bearer bd_wrong"))),
            new("create, tenant key", HttpStatusCode.Forbidden, () => Post("/api/tenants", valid, headers: ("Authorization", "Bearer " + tenantKey))),
            new("create, malformed JSON", HttpStatusCode.BadRequest, () => Post("/api/tenants", "{\"name\":", headers: admin)),
            new("create, truncated body", HttpStatusCode.BadRequest, () => Post("/api/tenants", valid[..12], headers: admin)),
            new("create, wrong content type", HttpStatusCode.UnsupportedMediaType, () => Post("/api/tenants", valid, "text/plain", admin)),
            new("create, name is a number", HttpStatusCode.BadRequest, () => Post("/api/tenants", """{"name":123,"id":"victim"}""", headers: admin)),
            new("create, id is an object", HttpStatusCode.BadRequest, () => Post("/api/tenants", """{"name":"Victim","id":{"a":1}}""", headers: admin)),
            new("create, huge name", HttpStatusCode.BadRequest, () => Post("/api/tenants", $"{{\"name\":\"{Huge}\",\"id\":\"victim\"}}", headers: admin)),
            new("create, bad id", HttpStatusCode.BadRequest, () => Post("/api/tenants", """{"name":"Victim","id":"../Victim"}""", headers: admin)),
            new("create, deep nesting", HttpStatusCode.BadRequest, () => Post("/api/tenants", "{\"name\":\"Victim\",\"id\":\"victim\",\"x\":" + Deep() + "}", headers: admin)),
            new("create, existing id", HttpStatusCode.Conflict, () => Post("/api/tenants", """{"name":"Again","id":"acme"}""", headers: admin)),
            new("read, another tenant's key", HttpStatusCode.Forbidden, () => Get($"/api/tenants/{tenant}", otherKey)),
            new("read, no key", HttpStatusCode.Unauthorized, () => Get($"/api/tenants/{tenant}", null)),
            new("read, unknown tenant (admin)", HttpStatusCode.NotFound, () => Get("/api/tenants/nobody", BetterDataApp.AdminKey)),
            new("billing, another tenant's key", HttpStatusCode.Forbidden, () => Get($"/api/tenants/{tenant}/billing", otherKey)),
            new("endpoint under an unknown tenant (admin)", HttpStatusCode.NotFound,
                () => Post("/api/tenants/nobody/endpoints", """{"url":"https://hooks.example.com/x"}""", headers: admin)),
            new("connection under an unknown tenant (admin)", HttpStatusCode.NotFound,
                () => WithMethod(HttpMethod.Put, Post("/api/tenants/nobody/connections/shopify", """{"shopDomain":"nobody.myshopify.com","webhookSecret":"s"}""", headers: admin))),
            new("publish under an unknown tenant (admin)", HttpStatusCode.NotFound,
                () => Post("/api/tenants/nobody/events", """{"type":"order.allocation_succeeded","data":{}}""", headers: admin)),
        };

        var admins = app.Admin();
        await AssertAllAsync(app.Anonymous(), cases, async () =>
            await admins.GetStringAsync($"/api/tenants/{tenant}") + (int)(await admins.GetAsync("/api/tenants/victim")).StatusCode
            + string.Join(",", await app.Grains.GetGrain<IEndpointRegistryGrain>("nobody").ListEndpointIdsAsync())
            + (await app.Grains.GetGrain<ICommerceConnectionGrain>(ConnectionKeys.Of(ConnectionKeys.Shopify, "nobody.myshopify.com")).GetAsync() is null));
    }

    private static HttpRequestMessage WithMethod(HttpMethod method, HttpRequestMessage request)
    {
        request.Method = method;
        return request;
    }

    private static HttpRequestMessage Get(string path, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Authorization = new("Bearer", key);
        }

        return request;
    }
}

using System.Text.RegularExpressions;
using BetterData.Api.Webhooks;
using BetterData.Grains.Connections;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Management;

/// <summary>
/// <c>PUT /api/tenants/{tenant}/connections/{shopify|square}</c>, <c>GET …/connections</c> and
/// <c>GET …/{shopify|square}/{id}</c>. Secrets and tokens go in and never come out.
/// </summary>
public static partial class ConnectionsApi
{
    public static RouteGroupBuilder MapConnectionsApi(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/connections").WithTags("Connections");
        group.MapPut("/shopify", PutShopifyAsync).WithSummary("Connect a Shopify store. A new secret rotates: the previous one verifies for the grace period.");
        group.MapPut("/square", PutSquareAsync).WithSummary("Connect a Square merchant. A new signature key rotates like Shopify's.");
        group.MapGet("/", ListAsync)
            .WithSummary("The tenant's Shopify and Square connections, in key order: ids and rotation status, no secret.");
        group.MapGet("/shopify/{shopDomain}", (string tenant, string shopDomain, IGrainFactory grains) =>
                GetAsync(tenant, ConnectionKeys.Of(ConnectionKeys.Shopify, shopDomain), grains))
            .WithSummary("A Shopify connection of this tenant: ids and rotation status, no secret.");
        group.MapGet("/square/{merchantId}", (string tenant, string merchantId, IGrainFactory grains) =>
                GetAsync(tenant, ConnectionKeys.Of(ConnectionKeys.Square, merchantId), grains))
            .WithSummary("A Square connection of this tenant: ids, rotation status and whether an access token is set, no secret.");
        return group;
    }

    private static async Task<Ok<ConnectionList>> ListAsync(string tenant, IGrainFactory grains)
    {
        var keys = await grains.GetGrain<ITenantConnectionsGrain>(tenant).ListAsync();
        var views = await Task.WhenAll(keys.Select(key => grains.GetGrain<ICommerceConnectionGrain>(key).GetAsync()));
        return TypedResults.Ok(new ConnectionList([.. views.Where(v => v is not null && v.TenantId == tenant).Select(v => v!)]));
    }

    // Another tenant's connection is a 404 like a missing one: whether a store is connected elsewhere is not this
    // tenant's to know.
    private static async Task<Results<Ok<ConnectionView>, NotFound>> GetAsync(string tenant, string key, IGrainFactory grains) =>
        await grains.GetGrain<ICommerceConnectionGrain>(key).GetAsync() is { } view && view.TenantId == tenant
            ? TypedResults.Ok(view)
            : TypedResults.NotFound();

    private static async Task<Results<Ok<ConnectionView>, ValidationProblem, Conflict<ProblemDetails>>> PutShopifyAsync(
        string tenant, ShopifyConnectionRequest request, IGrainFactory grains, ConnectionCredentialsCache cache)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.ShopDomain is null || !ShopDomain().IsMatch(request.ShopDomain.Trim()))
        {
            errors["shopDomain"] = ["A shop domain such as 'acme.myshopify.com' is required."];
        }

        if (string.IsNullOrWhiteSpace(request.WebhookSecret) || request.WebhookSecret.Length > 512)
        {
            errors["webhookSecret"] = ["The webhook signing secret (1-512 characters) is required."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await ConnectAsync(grains, cache, ConnectionKeys.Of(ConnectionKeys.Shopify, request.ShopDomain!),
            new ConnectionRequest(tenant, request.WebhookSecret!, null, null, null));
    }

    private static async Task<Results<Ok<ConnectionView>, ValidationProblem, Conflict<ProblemDetails>>> PutSquareAsync(
        string tenant, SquareConnectionRequest request, IGrainFactory grains, ConnectionCredentialsCache cache)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.MerchantId) || request.MerchantId.Length > 64 || request.MerchantId.Contains('/', StringComparison.Ordinal))
        {
            errors["merchantId"] = ["The Square merchant id is required."];
        }

        if (string.IsNullOrWhiteSpace(request.SignatureKey) || request.SignatureKey.Length > 512)
        {
            errors["signatureKey"] = ["The subscription's signature key (1-512 characters) is required."];
        }

        if (request.NotificationUrl is not null && !IsHttpUrl(request.NotificationUrl))
        {
            errors["notificationUrl"] = ["An absolute http(s) URL."];
        }

        if (request.ApiBaseUrl is not null && !IsHttpUrl(request.ApiBaseUrl))
        {
            errors["apiBaseUrl"] = ["An absolute http(s) URL."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await ConnectAsync(grains, cache, ConnectionKeys.Of(ConnectionKeys.Square, request.MerchantId!),
            new ConnectionRequest(tenant, request.SignatureKey!, request.NotificationUrl, request.AccessToken, request.ApiBaseUrl));
    }

    private static async Task<Results<Ok<ConnectionView>, ValidationProblem, Conflict<ProblemDetails>>> ConnectAsync(
        IGrainFactory grains, ConnectionCredentialsCache cache, string key, ConnectionRequest request)
    {
        var view = await grains.GetGrain<ICommerceConnectionGrain>(key).ConnectAsync(request);
        cache.Evict(key);
        if (view is not null)
        {
            return TypedResults.Ok(view);
        }

        return TypedResults.Conflict(new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = "Connected to another tenant",
            Detail = "This store is connected to another tenant.",
        });
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9-]*(\\.[a-zA-Z0-9-]+)+$")]
    private static partial Regex ShopDomain();
}

using System.Net;
using BetterData.Api.Management;
using BetterData.Grains.Delivery;
using BetterData.Grains.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Delivery;

/// <summary><c>/api/tenants/{tenant}/endpoints</c>: endpoint CRUD and secret rotation.</summary>
public static class EndpointsApi
{
    private static readonly string[] ReservedHeaders =
        ["host", "content-type", "content-length", "user-agent", "webhook-id", "webhook-timestamp", "webhook-signature", "x-betterdata-signature"];

    public static RouteGroupBuilder MapEndpointsApi(this IEndpointRouteBuilder app)
    {
        var group = TenantsApi.TenantGroup(app).MapGroup("/endpoints").WithTags("Endpoints");
        group.MapPost("/", CreateAsync).WithSummary("Register an endpoint. The signing secret is returned once.");
        group.MapGet("/", ListAsync).WithSummary("The tenant's endpoints.");
        group.MapGet("/{endpointId}", GetAsync).WithSummary("One endpoint.");
        group.MapPatch("/{endpointId}", UpdateAsync).WithSummary("Change an endpoint; enabling a disabled one resumes delivery.");
        group.MapDelete("/{endpointId}", DeleteAsync).WithSummary("Remove an endpoint and its pending deliveries.");
        group.MapPost("/{endpointId}/rotate-secret", RotateAsync).WithSummary("A new secret; the old one keeps signing for 24 h.");
        return group;
    }

    private static async Task<Results<Created<CreatedEndpoint>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        string tenant, EndpointRequest request, IGrainFactory grains, IConfiguration configuration)
    {
        var errors = Validate(request, UrlRules.From(configuration), creating: true);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var spec = new EndpointSpec(request.Url!, request.Description, request.EventTypes ?? [], request.Enabled ?? true,
            request.Headers ?? new Dictionary<string, string>(), request.RateLimitPerSecond);
        var created = await grains.GetGrain<IEndpointRegistryGrain>(tenant).CreateEndpointAsync(spec);
        if (created is { Endpoint: { } endpoint, Secret: { } secret })
        {
            return TypedResults.Created($"/api/tenants/{tenant}/endpoints/{endpoint.Id}", new CreatedEndpoint(endpoint, secret));
        }

        return PlanLimit.Problem(created.RefusedCapability!, created.Detail!);
    }

    private static async Task<Ok<IReadOnlyList<EndpointInfo>>> ListAsync(string tenant, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IEndpointRegistryGrain>(tenant).ListEndpointsAsync());

    private static async Task<Results<Ok<EndpointInfo>, NotFound>> GetAsync(string tenant, string endpointId, IGrainFactory grains) =>
        await grains.GetGrain<IEndpointRegistryGrain>(tenant).OwnsAsync(endpointId)
        && await grains.GetGrain<IEndpointDeliveryGrain>(endpointId).GetAsync() is { } info
            ? TypedResults.Ok(info)
            : TypedResults.NotFound();

    private static async Task<Results<Ok<EndpointInfo>, NotFound, ValidationProblem>> UpdateAsync(
        string tenant, string endpointId, EndpointRequest request, IGrainFactory grains, IConfiguration configuration)
    {
        var errors = Validate(request, UrlRules.From(configuration), creating: false);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var patch = new EndpointPatch(request.Url, request.Description, request.EventTypes, request.Enabled, request.Headers, request.RateLimitPerSecond);
        return await grains.GetGrain<IEndpointRegistryGrain>(tenant).UpdateEndpointAsync(endpointId, patch) is { } info
            ? TypedResults.Ok(info)
            : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(string tenant, string endpointId, IGrainFactory grains) =>
        await grains.GetGrain<IEndpointRegistryGrain>(tenant).DeleteEndpointAsync(endpointId) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<RotatedSecret>, NotFound>> RotateAsync(string tenant, string endpointId, IGrainFactory grains)
    {
        if (!await grains.GetGrain<IEndpointRegistryGrain>(tenant).OwnsAsync(endpointId)
            || await grains.GetGrain<IEndpointDeliveryGrain>(endpointId).RotateSecretAsync() is not { } secret)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new RotatedSecret(secret));
    }

    internal static Dictionary<string, string[]> Validate(EndpointRequest request, UrlRules rules, bool creating)
    {
        var errors = new Dictionary<string, string[]>();
        if (creating || request.Url is not null)
        {
            if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                errors["url"] = ["An absolute http(s) URL is required."];
            }
            else if (rules.RequireHttps && url.Scheme != Uri.UriSchemeHttps)
            {
                errors["url"] = ["The URL must use https."];
            }
            else if (!string.IsNullOrEmpty(url.UserInfo))
            {
                errors["url"] = ["Credentials in the URL are not allowed; use a custom header."];
            }
            else if (!rules.Reachable(url))
            {
                errors["url"] = [$"'{url.Host}' is not a public address, and delivery only connects to one (allow its network with Delivery__AllowedNetworks)."];
            }
        }

        if (request.EventTypes?.FirstOrDefault(t => !IsFilter(t)) is { } bad)
        {
            errors["eventTypes"] = [$"'{bad}' is neither a catalog event type (GET /api/event-types) nor a 'prefix.*' wildcard."];
        }

        if (request.Headers?.Keys.FirstOrDefault(h => ReservedHeaders.Contains(h, StringComparer.OrdinalIgnoreCase)) is { } reserved)
        {
            errors["headers"] = [$"'{reserved}' is set by the platform."];
        }

        if (request.RateLimitPerSecond is <= 0)
        {
            errors["rateLimitPerSecond"] = ["The rate limit must be positive."];
        }

        if (request.Description?.Length > 500)
        {
            errors["description"] = ["At most 500 characters."];
        }

        return errors;
    }

    /// <summary>
    /// What delivery will accept of a URL, checked at registration so a URL it would always refuse is a 400 now rather
    /// than an <c>ssrf_refused</c> attempt later. Only what the URL itself shows is checked here: an IP literal, or
    /// <c>localhost</c> (RFC 6761: always loopback). A name is resolved at connect time, where every address is checked
    /// again (<see cref="SsrfGuard"/>), so a name that resolves to an internal address is still refused there.
    /// </summary>
    internal sealed record UrlRules(bool RequireHttps, IReadOnlyList<IPNetwork> AllowedNetworks)
    {
        private static readonly IPAddress[] LocalhostAddresses = [IPAddress.Loopback, IPAddress.IPv6Loopback];

        // Read directly, not through DeliveryOptions: in co-hosted mode the silo already binds those options, and
        // binding them twice would append the retry schedule to itself. An API-only node reads the same settings
        // (one ConfigMap), so it accepts what the silos will deliver to.
        public static UrlRules From(IConfiguration configuration) => new(
            configuration.GetValue("Delivery:RequireHttps", true),
            SsrfGuard.ParseNetworks(configuration.GetSection("Delivery:AllowedNetworks").Get<string[]>() ?? []));

        public bool Reachable(Uri url)
        {
            var host = url.DnsSafeHost;
            IReadOnlyList<IPAddress> addresses = IPAddress.TryParse(host, out var literal) ? [literal]
                : host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) ? LocalhostAddresses
                : [];
            return addresses.Count == 0 || addresses.Any(a => SsrfGuard.IsAllowed(a, AllowedNetworks));
        }
    }

    private static bool IsFilter(string filter) =>
        filter != EventTypes.OpsAlert
        && (EventTypes.IsKnown(filter) || (filter.EndsWith(".*", StringComparison.Ordinal) && filter.Length > 2
            && EventTypes.Catalog.Any(t => t.StartsWith(filter[..^1], StringComparison.Ordinal))));
}

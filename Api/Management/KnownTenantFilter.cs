using BetterData.Grains.Hosting.Auth;

namespace BetterData.Api.Management;

/// <summary>
/// The admin key's calls on <c>/api/tenants/{tenant}/…</c> answer 404 for a tenant that does not exist or was deleted,
/// so nothing is written under an unknown tenant. A tenant key needs no check: verifying it reads its tenant.
/// </summary>
public sealed class KnownTenantFilter(KnownTenants known) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.IsInRole(AuthNames.AdminRole) && http.GetRouteValue("tenant") is string tenant && !await known.ExistsAsync(tenant))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Tenant not found", detail: $"There is no tenant '{tenant}'.");
        }

        return await next(context);
    }
}

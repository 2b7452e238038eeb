using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BetterData.Grains.Hosting.Auth;

/// <summary>The caller is the admin, or a tenant whose id equals the route's <c>{tenant}</c>.</summary>
public sealed class TenantAccessRequirement : AuthorizationHandler<TenantAccessRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TenantAccessRequirement requirement)
    {
        var routeTenant = (context.Resource as HttpContext)?.GetRouteValue("tenant") as string;
        if (context.User.IsInRole(AuthNames.AdminRole)
            || (routeTenant is not null && context.User.HasClaim(AuthNames.TenantClaim, routeTenant)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

using BetterData.Grains.Billing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Management;

/// <summary>
/// A tenant's billing as Stripe told it: record, current capability snapshot, audit log. An unknown tenant is a 404
/// before these run (<see cref="KnownTenantFilter"/>, on every tenant route).
/// </summary>
public static class BillingApi
{
    public static RouteGroupBuilder MapBillingApi(this IEndpointRouteBuilder app)
    {
        var tenant = TenantsApi.TenantGroup(app).WithTags("Billing");
        tenant.MapGet("/billing", GetBillingAsync).WithSummary("Stripe customer, subscription, status, plan, payments.");
        tenant.MapGet("/capabilities", GetCapabilitiesAsync).WithSummary("The current capability snapshot (versioned).");
        tenant.MapGet("/audit", GetAuditAsync).WithSummary("Billing audit log, newest first; page with ?cursor=.");
        return tenant;
    }

    private static async Task<Ok<BillingRecord>> GetBillingAsync(string tenant, IGrainFactory grains)
    {
        var billing = grains.GetGrain<ITenantBillingGrain>(tenant);
        if (await billing.GetBillingAsync() is { } record)
        {
            return TypedResults.Ok(record);
        }

        var capabilities = await billing.GetCapabilitiesAsync();
        return TypedResults.Ok(new BillingRecord(null, null, null, capabilities.Plan, null, null, capabilities.Version,
            null, null, null, null, null, null, null, null));
    }

    private static async Task<Ok<TenantCapabilitySnapshot>> GetCapabilitiesAsync(string tenant, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ITenantBillingGrain>(tenant).GetCapabilitiesAsync());

    private static async Task<Results<Ok<BillingAuditPage>, ValidationProblem>> GetAuditAsync(
        string tenant, string? cursor, int? limit, IGrainFactory grains)
    {
        if (!BillingAuditCursor.TryDecode(cursor, out _))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = ["Not a cursor this API returned."] });
        }

        if (limit is < 1 or > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Between 1 and 200."] });
        }

        return TypedResults.Ok(await grains.GetGrain<ITenantBillingGrain>(tenant).GetAuditAsync(cursor, limit ?? 50));
    }
}

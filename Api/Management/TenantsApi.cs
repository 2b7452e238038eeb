using System.Text.Json;
using System.Text.RegularExpressions;
using BetterData.Api.Webhooks;
using BetterData.Grains.Demand;
using BetterData.Grains.Hosting.Auth;
using BetterData.Grains.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Management;

public static partial class TenantsApi
{
    public static RouteGroupBuilder MapTenantsApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/tenants").WithTags("Tenants").RequireAuthorization(AuthNames.AdminPolicy);
        admin.MapPost("/", CreateAsync).WithSummary("Create a tenant (admin). The API key is returned once.");
        admin.MapGet("/", ListAsync).WithSummary("Every tenant in id order (admin); page with ?after= (the previous page's next) and ?limit= (1-500, 100).");
        admin.MapDelete("/{tenant}", DeleteAsync).WithSummary(
            "Delete a tenant (admin): its key stops working, its endpoints are deleted with their deliveries, its store connections are released. Its id is not reused; its commerce data is kept.");

        var tenant = TenantGroup(app);
        tenant.MapGet("/", GetAsync).WithSummary("The tenant.");
        tenant.MapPost("/rotate-key", RotateKeyAsync).WithSummary("Issue a new API key; the old one stops working at once. The key is returned once.");
        tenant.MapGet("/settings/demand", GetDemandSettingsAsync).WithSummary(
            "The stockout threshold (days of cover below which demand_signal.stockout_risk is published) and where it comes from: tenant, configuration or default.");
        tenant.MapPut("/settings/demand", SetDemandSettingsAsync).WithSummary(
            "Set the stockout threshold: {\"stockoutCoverDays\": 0.01-365}, or null to use the platform's again. Products use it from their next demand check.");
        return tenant;
    }

    /// <summary>The group every tenant-scoped area maps onto: <c>/api/tenants/{tenant}</c>, tenant key or admin key.</summary>
    public static RouteGroupBuilder TenantGroup(IEndpointRouteBuilder app) =>
        app.MapGroup("/api/tenants/{tenant}").WithTags("Tenants").RequireAuthorization(AuthNames.TenantPolicy).AddEndpointFilter<KnownTenantFilter>();

    private static async Task<Results<Created<CreatedTenant>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateTenant request, IGrainFactory grains)
    {
        var id = string.IsNullOrWhiteSpace(request.Id) ? "t_" + Guid.NewGuid().ToString("N")[..16] : request.Id;
        var errors = new Dictionary<string, string[]>();
        if (!TenantId().IsMatch(id))
        {
            errors["id"] = ["A tenant id is 1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit."];
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            errors["name"] = ["A name of 1-200 characters is required."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var key = ApiKeys.NewTenantKey(id);
        if (!await grains.GetGrain<ITenantGrain>(id).CreateAsync(request.Name!.Trim(), ApiKeys.Hash(key)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Tenant exists",
                detail: $"A tenant with id '{id}' already exists (the id of a deleted tenant is not reused).");
        }

        return TypedResults.Created($"/api/tenants/{id}", new CreatedTenant(id, request.Name.Trim(), key));
    }

    private static async Task<Results<Ok<DemandSettings>, NotFound>> GetDemandSettingsAsync(string tenant, IGrainFactory grains) =>
        await grains.GetGrain<ITenantGrain>(tenant).GetDemandSettingsAsync() is { } settings ? TypedResults.Ok(settings) : TypedResults.NotFound();

    // The body is read as a document so that a missing property (or a misspelt one) is a 400, not a reset to the default.
    private static async Task<Results<Ok<DemandSettings>, NotFound, ValidationProblem>> SetDemandSettingsAsync(
        string tenant, JsonElement body, IGrainFactory grains)
    {
        if (!TryReadCoverDays(body, out var days))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["stockoutCoverDays"] = [$"Required: a number of days from {DemandOptions.MinCoverDays} to {DemandOptions.MaxCoverDays}, or null for the platform's threshold."],
            });
        }

        return await grains.GetGrain<ITenantGrain>(tenant).SetStockoutCoverDaysAsync(days) is { } settings ? TypedResults.Ok(settings) : TypedResults.NotFound();
    }

    private static bool TryReadCoverDays(JsonElement body, out double? days)
    {
        days = null;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("stockoutCoverDays", out var value))
        {
            return false;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        days = value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) ? number : null;
        return days is { } d && DemandOptions.IsCoverThreshold(d);
    }

    private static async Task<Ok<TenantPage>> ListAsync(string? after, int? limit, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ITenantDirectoryGrain>(0).ListAsync(after, Math.Clamp(limit ?? 100, 1, 500)));

    // Through VerifiedApiKeys.ChangeAsync: here the old key fails at once, elsewhere within VerifiedApiKeys.Ttl.
    private static async Task<Results<Ok<CreatedTenant>, NotFound>> RotateKeyAsync(string tenant, IGrainFactory grains, VerifiedApiKeys verified)
    {
        var grain = grains.GetGrain<ITenantGrain>(tenant);
        var key = ApiKeys.NewTenantKey(tenant);
        var info = await verified.ChangeAsync(tenant, async () =>
            await grain.GetAsync() is { } found && await grain.ReplaceApiKeyAsync(ApiKeys.Hash(key)) ? found : null);
        if (info is null)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new CreatedTenant(tenant, info.Name, key));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(string tenant, IGrainFactory grains, ConnectionCredentialsCache credentials,
        KnownTenants known, VerifiedApiKeys verified)
    {
        if (await verified.ChangeAsync(tenant, () => grains.GetGrain<ITenantGrain>(tenant).DeleteAsync()) is not { } connections)
        {
            return TypedResults.NotFound();
        }

        known.Forget(tenant);

        // This node's cached credentials go at once; other API nodes drop theirs within Commerce:CredentialCacheTtl.
        foreach (var key in connections)
        {
            credentials.Evict(key);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TenantInfo>, NotFound>> GetAsync(string tenant, IGrainFactory grains) =>
        await grains.GetGrain<ITenantGrain>(tenant).GetAsync() is { } info ? TypedResults.Ok(info) : TypedResults.NotFound();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex TenantId();
}

public sealed record CreateTenant(string? Name, string? Id);

/// <summary>The new tenant and its API key. The key is shown only here; only its hash is stored.</summary>
public sealed record CreatedTenant(string Id, string Name, string ApiKey);

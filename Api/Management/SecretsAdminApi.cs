using BetterData.Grains.Connections;
using BetterData.Grains.Delivery;
using BetterData.Grains.Events;
using BetterData.Grains.Hosting.Auth;
using BetterData.Grains.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Management;

/// <summary>
/// <c>POST /api/admin/secrets/reseal</c>: after a new encryption key is made active (Secrets__ActiveKey) and every silo
/// has restarted with it, activates every listed tenant's endpoints and connections (and the platform's own endpoints)
/// so each rewrites its stored secrets under the active key. When it reports nothing failed, records under the old key
/// are gone from listed tenants and the old key can be removed.
/// </summary>
public static partial class SecretsAdminApi
{
    private const int MaxReported = 20;

    public static RouteGroupBuilder MapSecretsAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/secrets").WithTags("Secrets").RequireAuthorization(AuthNames.AdminPolicy);
        admin.MapPost("/reseal", ResealAsync)
            .WithSummary("Rewrite every listed tenant's stored endpoint and connection secrets under the active encryption key; reports counts and failures.");
        return admin;
    }

    private static async Task<Ok<ResealReport>> ResealAsync(IGrainFactory grains, ILogger<ResealReport> logger, CancellationToken cancellationToken)
    {
        var tenants = new List<string> { OpsAlertsGrain.PlatformTenant };
        var directory = grains.GetGrain<ITenantDirectoryGrain>(0);
        for (string? after = null; ;)
        {
            var page = await directory.ListAsync(after, 500);
            tenants.AddRange(page.Data.Select(t => t.Id));
            if ((after = page.Next) is null)
            {
                break;
            }
        }

        int endpoints = 0, connections = 0, rewritten = 0, failures = 0;
        var failed = new List<string>();
        foreach (var tenant in tenants)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var endpointId in await grains.GetGrain<IEndpointRegistryGrain>(tenant).ListEndpointIdsAsync())
            {
                endpoints++;
                await TryAsync(tenant, "endpoint " + endpointId, grains.GetGrain<IEndpointDeliveryGrain>(endpointId).ResealSecretsAsync);
            }

            foreach (var key in await grains.GetGrain<ITenantConnectionsGrain>(tenant).ListAsync())
            {
                connections++;
                await TryAsync(tenant, "connection " + key, grains.GetGrain<ICommerceConnectionGrain>(key).ResealSecretsAsync);
            }
        }

        async Task TryAsync(string tenant, string name, Func<Task<bool>> reseal)
        {
            try
            {
                rewritten += await reseal() ? 1 : 0;
            }
            catch (Exception ex)
            {
                // The message names a key id at most (SecretProtector never puts a secret in one).
                LogResealFailed(logger, ex, tenant, name);
                failures++;
                if (failed.Count < MaxReported)
                {
                    failed.Add($"{tenant}: {name}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        return TypedResults.Ok(new ResealReport(tenants.Count, endpoints, connections, rewritten, failures, failed));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Resealing the secrets of tenant {TenantId}'s {Grain} failed")]
    private static partial void LogResealFailed(ILogger logger, Exception exception, string tenantId, string grain);
}

/// <summary>
/// What a reseal walked (tenants including the platform's own, endpoints, connections), how many rewrote their secrets,
/// how many failed and the first 20 failures (a secret under a key that is not configured, or a storage error); run it
/// again until none fail.
/// </summary>
public sealed record ResealReport(int Tenants, int Endpoints, int Connections, int Rewritten, int FailedCount, IReadOnlyList<string> Failed);

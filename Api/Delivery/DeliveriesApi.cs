using BetterData.Api.Management;
using BetterData.Grains.Delivery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Delivery;

/// <summary>The delivery log of an endpoint, manual retry and recovery.</summary>
public static class DeliveriesApi
{
    private const int MaxLimit = 250;

    public static RouteGroupBuilder MapDeliveriesApi(this IEndpointRouteBuilder app)
    {
        var group = TenantsApi.TenantGroup(app).MapGroup("/endpoints/{endpointId}").WithTags("Deliveries");
        group.MapGet("/deliveries", ListAsync).WithSummary("Deliveries, newest first; filter by status, eventType, since, until; page with cursor.");
        group.MapGet("/deliveries/{deliveryId}", GetAsync).WithSummary("One delivery with every attempt.");
        group.MapPost("/deliveries/{deliveryId}/retry", RetryAsync).WithSummary("Resend now (a manual attempt).");
        group.MapPost("/recover", RecoverAsync).WithSummary("Resend every failed delivery created since a time.");
        return group;
    }

    private static async Task<Results<Ok<DeliveryPage>, NotFound, ValidationProblem>> ListAsync(
        string tenant, string endpointId, IGrainFactory grains,
        string? status, string? eventType, DateTimeOffset? since, DateTimeOffset? until, string? cursor, int? limit)
    {
        DeliveryStatus? parsed = null;
        if (status is not null)
        {
            if (!Enum.TryParse<DeliveryStatus>(status, ignoreCase: true, out var s) || int.TryParse(status, out _))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["One of pending, retrying, succeeded, failed."] });
            }

            parsed = s;
        }

        if (limit is < 1 or > MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"Between 1 and {MaxLimit}."] });
        }

        if (!await grains.GetGrain<IEndpointRegistryGrain>(tenant).OwnsAsync(endpointId))
        {
            return TypedResults.NotFound();
        }

        try
        {
            var query = new DeliveryQuery(parsed, eventType, since, until, cursor, limit ?? 50);
            return TypedResults.Ok(await grains.GetGrain<IEndpointDeliveryGrain>(endpointId).ListDeliveriesAsync(query));
        }
        catch (ArgumentException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = ["Not a cursor from a previous page."] });
        }
    }

    private static async Task<Results<Ok<DeliveryDetail>, NotFound>> GetAsync(string tenant, string endpointId, string deliveryId, IGrainFactory grains) =>
        await grains.GetGrain<IEndpointRegistryGrain>(tenant).OwnsAsync(endpointId)
        && await grains.GetGrain<IEndpointDeliveryGrain>(endpointId).GetDeliveryAsync(deliveryId) is { } detail
            ? TypedResults.Ok(detail)
            : TypedResults.NotFound();

    private static async Task<Results<Accepted, NotFound>> RetryAsync(string tenant, string endpointId, string deliveryId, IGrainFactory grains) =>
        await grains.GetGrain<IEndpointRegistryGrain>(tenant).OwnsAsync(endpointId)
        && await grains.GetGrain<IEndpointDeliveryGrain>(endpointId).RetryDeliveryAsync(deliveryId)
            ? TypedResults.Accepted($"/api/tenants/{tenant}/endpoints/{endpointId}/deliveries/{deliveryId}")
            : TypedResults.NotFound();

    private static async Task<Results<Accepted<RecoverResult>, NotFound, ValidationProblem>> RecoverAsync(
        string tenant, string endpointId, DateTimeOffset? since, IGrainFactory grains)
    {
        if (since is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["since"] = ["An ISO 8601 time is required."] });
        }

        if (!await grains.GetGrain<IEndpointRegistryGrain>(tenant).OwnsAsync(endpointId))
        {
            return TypedResults.NotFound();
        }

        var count = await grains.GetGrain<IEndpointDeliveryGrain>(endpointId).RecoverAsync(since.Value);
        return TypedResults.Accepted($"/api/tenants/{tenant}/endpoints/{endpointId}/deliveries?status=retrying", new RecoverResult(count));
    }
}

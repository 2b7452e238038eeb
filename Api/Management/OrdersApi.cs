using BetterData.Grains.Catalog;
using BetterData.Grains.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Management;

/// <summary>
/// <c>GET /api/tenants/{tenant}/orders</c> (newest first, by status and source, paged) and <c>/orders/{orderId}</c>: orders
/// synced from Shopify, Square or a checkout.
/// </summary>
public static class OrdersApi
{
    private const int MaxLimit = 250;
    private static readonly string[] Statuses = ["allocated", "allocation_failed"];
    private static readonly string[] Sources = ["shopify", "square"];

    public static RouteGroupBuilder MapOrdersApi(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/orders").WithTags("Orders");
        group.MapGet("/", ListAsync).WithSummary("Orders, newest first (by the order's creation time); filter by status and source; page with cursor.");
        group.MapGet("/{orderId}", GetAsync).WithSummary("An order: source, allocation status, lines and the lines stock could not cover.");
        return group;
    }

    private static async Task<Results<Ok<OrderPage>, ValidationProblem>> ListAsync(
        string tenant, string? status, string? source, string? cursor, int? limit, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
        {
            errors["status"] = [$"One of {string.Join(", ", Statuses)}."];
        }

        if (source is not null && !Sources.Contains(source, StringComparer.Ordinal))
        {
            errors["source"] = [$"One of {string.Join(", ", Sources)}."];
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"Between 1 and {MaxLimit}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            return TypedResults.Ok(await grains.GetGrain<IOrderIndexGrain>(tenant).ListAsync(new OrderQuery(status, source, cursor, limit ?? 50)));
        }
        catch (ArgumentException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = ["Not a cursor from a previous page."] });
        }
    }

    private static async Task<Results<Ok<OrderView>, NotFound>> GetAsync(string tenant, string orderId, IGrainFactory grains) =>
        await grains.GetGrain<IOrderGrain>(CommerceKeys.Of(tenant, orderId)).GetAsync() is { } order
            ? TypedResults.Ok(order)
            : TypedResults.NotFound();
}

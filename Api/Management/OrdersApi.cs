using BetterData.Grains.Catalog;
using BetterData.Grains.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Management;

/// <summary><c>GET /api/tenants/{tenant}/orders/{orderId}</c>: an order synced from Shopify, Square or a checkout.</summary>
public static class OrdersApi
{
    public static RouteGroupBuilder MapOrdersApi(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/orders").WithTags("Orders");
        group.MapGet("/{orderId}", GetAsync).WithSummary("An order: source, allocation status, lines and the lines stock could not cover.");
        return group;
    }

    private static async Task<Results<Ok<OrderView>, NotFound>> GetAsync(string tenant, string orderId, IGrainFactory grains) =>
        await grains.GetGrain<IOrderGrain>(CommerceKeys.Of(tenant, orderId)).GetAsync() is { } order
            ? TypedResults.Ok(order)
            : TypedResults.NotFound();
}

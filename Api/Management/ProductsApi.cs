using BetterData.Grains.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Management;

/// <summary><c>GET /api/tenants/{tenant}/products?q=</c> (title or SKU) and <c>/products/{productId}</c> (with stock by location).</summary>
public static class ProductsApi
{
    public static RouteGroupBuilder MapProductsApi(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/products").WithTags("Products");
        group.MapGet("/", SearchAsync).WithSummary("Active products whose title or SKU contains q.");
        group.MapGet("/{productId}", GetAsync).WithSummary("A product with variants and stock per location (deleted ones too).");
        return group;
    }

    private static async Task<Ok<ProductList>> SearchAsync(string tenant, string? q, int? limit, IGrainFactory grains)
    {
        var hits = await grains.GetGrain<ICatalogIndexGrain>(tenant).SearchAsync(q, Math.Clamp(limit ?? 50, 1, 500));
        return TypedResults.Ok(new ProductList([.. hits.Select(h => new ProductSummary(h.ProductId, h.Title, h.Skus, h.Price, h.Currency, h.Available))]));
    }

    private static async Task<Results<Ok<ProductView>, NotFound>> GetAsync(string tenant, string productId, IGrainFactory grains) =>
        await grains.GetGrain<IProductGrain>(CommerceKeys.Of(tenant, productId)).GetAsync() is { } product
            ? TypedResults.Ok(product)
            : TypedResults.NotFound();
}

public sealed record ProductList(IReadOnlyList<ProductSummary> Data);

public sealed record ProductSummary(string ProductId, string Title, IReadOnlyList<string> Skus, decimal? Price, string? Currency, int Available);

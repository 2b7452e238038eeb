using System.Globalization;
using BetterData.Grains.Catalog;
using BetterData.Grains.Tenants;

namespace BetterData.Benchmarks;

/// <summary>
/// What <c>scale</c> activates: a product (a Shopify-shaped snapshot applied to its <see cref="IProductGrain"/>, which
/// also updates its tenant's catalog index), <paramref name="perTenant"/> products per tenant; or a created tenant grain.
/// </summary>
public sealed class ScaleToucher(IGrainFactory grains, int perTenant)
{
    private static readonly DateTimeOffset At = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private bool products;

    public string Description { get; private set; } = "";

    public void Prepare(string grain)
    {
        products = grain switch
        {
            "product" => true,
            "tenant" => false,
            _ => throw new ArgumentException($"--grain is product or tenant, not '{grain}'."),
        };
        Description = products
            ? $"ProductGrain (snapshot with one variant; {perTenant:N0} products per tenant, its catalog row included)"
            : "TenantGrain (created: name + key hash)";
    }

    public Task TouchAsync(int index)
    {
        var id = index.ToString(CultureInfo.InvariantCulture);
        if (!products)
        {
            return grains.GetGrain<ITenantGrain>("scale-" + id).CreateAsync("Scale tenant", new byte[32]);
        }

        var tenant = "scale-" + (index / perTenant).ToString(CultureInfo.InvariantCulture);
        return grains.GetGrain<IProductGrain>(CommerceKeys.Of(tenant, id)).ApplySnapshotAsync(new ProductSnapshot(
            id, "Product " + id, "Benchmark product", 19.99m, "USD", [], "active", At, [new VariantSnapshot(id + "-1", "SKU-" + id, id + "-2", 19.99m)]), null);
    }
}

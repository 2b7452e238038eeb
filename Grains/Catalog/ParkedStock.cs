namespace BetterData.Grains.Catalog;

/// <summary>
/// Applies a product snapshot, then the stock counts that arrived for its inventory items before it did. Called by
/// the inbox and the Square sync (never by the product or index grains, so no two grains call each other in a cycle).
/// </summary>
internal static class ParkedStock
{
    public static async Task<ApplyResult> ApplySnapshotAsync(IGrainFactory grains, string tenantId, ProductSnapshot snapshot)
    {
        var product = grains.GetGrain<IProductGrain>(CommerceKeys.Of(tenantId, snapshot.ProductId));
        var result = await product.ApplySnapshotAsync(snapshot);
        if (result != ApplyResult.Applied)
        {
            return result;
        }

        var byItem = snapshot.Variants.Where(v => v.InventoryItemId is not null).ToDictionary(v => v.InventoryItemId!, v => v.VariantId);
        if (byItem.Count == 0)
        {
            return result;
        }

        foreach (var change in await grains.GetGrain<ICatalogIndexGrain>(tenantId).TakeParkedAsync([.. byItem.Keys]))
        {
            await product.SetStockAsync(byItem[change.InventoryItemId], change.LocationId, change.Available, change.UpdatedAt);
        }

        return result;
    }
}

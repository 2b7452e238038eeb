using BetterData.Grains.Hosting;

namespace BetterData.Grains.Catalog;

/// <summary>
/// A linear scan over the tenant's active products: enough for catalogs of a few thousand items. A larger catalog
/// would move search to PostgreSQL full-text search, keeping this grain as the writer.
/// </summary>
public sealed class CatalogIndexGrain(
    [PersistentState("catalog-index", StorageNames.Default)] IPersistentState<CatalogIndexState> state) : Grain, ICatalogIndexGrain
{
    private const int MaxParked = 1_000;

    public async Task UpsertAsync(CatalogEntry entry)
    {
        Index(entry);
        await state.WriteStateAsync();
    }

    public async Task UpsertManyAsync(IReadOnlyList<CatalogEntry> entries)
    {
        foreach (var entry in entries)
        {
            Index(entry);
        }

        await state.WriteStateAsync();
    }

    private void Index(CatalogEntry entry)
    {
        var s = state.State;
        ForgetItems(entry.ProductId);
        s.Products[entry.ProductId] = entry;
        foreach (var variant in entry.Variants)
        {
            s.Items[variant.VariantId] = new VariantRef(entry.ProductId, variant.VariantId);
            if (variant.InventoryItemId is { } item)
            {
                s.Items[item] = new VariantRef(entry.ProductId, variant.VariantId);
            }
        }
    }

    public async Task RemoveAsync(string productId)
    {
        if (!state.State.Products.ContainsKey(productId))
        {
            return;
        }

        ForgetItems(productId);
        state.State.Products.Remove(productId);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<CatalogEntry>> SearchAsync(string? query, int limit)
    {
        var q = query?.Trim();
        var hits = state.State.Products.Values
            .Where(p => string.IsNullOrEmpty(q)
                || p.Title.Contains(q, StringComparison.OrdinalIgnoreCase)
                || p.Skus.Any(sku => sku.Contains(q, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(p => p.Title, StringComparer.OrdinalIgnoreCase)
            .Take(limit)
            .ToList();
        return Task.FromResult<IReadOnlyList<CatalogEntry>>(hits);
    }

    public Task<VariantRef?> ResolveAsync(string inventoryItemOrVariantId) =>
        Task.FromResult(state.State.Items.GetValueOrDefault(inventoryItemOrVariantId));

    public async Task ParkAsync(InventoryChange change)
    {
        var s = state.State;
        var key = change.InventoryItemId + "|" + change.LocationId;
        if (s.Parked.TryGetValue(key, out var held) && held.UpdatedAt > change.UpdatedAt)
        {
            return;
        }

        s.ParkedOrder.Remove(key);
        s.Parked[key] = change;
        s.ParkedOrder.Add(key);
        if (s.ParkedOrder.Count > MaxParked)
        {
            s.Parked.Remove(s.ParkedOrder[0]);
            s.ParkedOrder.RemoveAt(0);
        }

        await state.WriteStateAsync();
    }

    public async Task<IReadOnlyList<InventoryChange>> TakeParkedAsync(IReadOnlyList<string> inventoryItemIds)
    {
        var s = state.State;
        var items = inventoryItemIds.ToHashSet();
        var taken = s.Parked.Where(kv => items.Contains(kv.Value.InventoryItemId)).ToList();
        if (taken.Count == 0)
        {
            return [];
        }

        foreach (var (key, _) in taken)
        {
            s.Parked.Remove(key);
            s.ParkedOrder.Remove(key);
        }

        await state.WriteStateAsync();
        return [.. taken.Select(kv => kv.Value)];
    }

    // Through the product's previous entry (the only source of its item keys): O(variants), not a scan of every item,
    // which made a 50,000-product import quadratic.
    private void ForgetItems(string productId)
    {
        if (!state.State.Products.TryGetValue(productId, out var previous))
        {
            return;
        }

        foreach (var variant in previous.Variants)
        {
            foreach (var key in new[] { variant.VariantId, variant.InventoryItemId })
            {
                if (key is not null && state.State.Items.TryGetValue(key, out var owner) && owner.ProductId == productId)
                {
                    state.State.Items.Remove(key);
                }
            }
        }
    }
}

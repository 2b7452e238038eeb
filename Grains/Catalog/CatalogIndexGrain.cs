using BetterData.Grains.Hosting;
using Orleans.Concurrency;

namespace BetterData.Grains.Catalog;

/// <summary>
/// A linear scan over the tenant's active products: enough for catalogs of a few thousand items. A larger catalog
/// would move search to PostgreSQL full-text search, keeping this grain as the writer. Reentrant: every method
/// changes state synchronously before its first await, and concurrent writers share storage writes.
/// </summary>
[Reentrant]
public sealed class CatalogIndexGrain : Grain, ICatalogIndexGrain
{
    private const int MaxParked = 1_000;
    private readonly IPersistentState<CatalogIndexState> state;
    private readonly CoalescingStateWriter writer;

    public CatalogIndexGrain([PersistentState("catalog-index", StorageNames.Default)] IPersistentState<CatalogIndexState> state)
    {
        this.state = state;
        writer = new CoalescingStateWriter(() => state.WriteStateAsync());
    }

    public async Task UpsertAsync(CatalogEntry entry)
    {
        if (Index(entry))
        {
            await writer.PersistAsync();
        }
    }

    public async Task UpsertManyAsync(IReadOnlyList<CatalogEntry> entries)
    {
        var changed = false;
        foreach (var entry in entries)
        {
            changed |= Index(entry);
        }

        if (changed)
        {
            await writer.PersistAsync();
        }
    }

    // Synchronous (the grain is reentrant); false when the entry is unchanged and nothing needs writing.
    private bool Index(CatalogEntry entry)
    {
        var s = state.State;
        if (s.Products.TryGetValue(entry.ProductId, out var held) && SameEntry(held, entry))
        {
            return false;
        }

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

        return true;
    }

    public async Task RemoveAsync(string productId)
    {
        if (!state.State.Products.ContainsKey(productId))
        {
            return;
        }

        ForgetItems(productId);
        state.State.Products.Remove(productId);
        await writer.PersistAsync();
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

        await writer.PersistAsync();
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

        await writer.PersistAsync();
        return [.. taken.Select(kv => kv.Value)];
    }

    // Only the product's own ids: a scan of every item would make building a catalog quadratic.
    private void ForgetItems(string productId)
    {
        if (!state.State.Products.TryGetValue(productId, out var held))
        {
            return;
        }

        foreach (var variant in held.Variants)
        {
            state.State.Items.Remove(variant.VariantId);
            if (variant.InventoryItemId is { } item)
            {
                state.State.Items.Remove(item);
            }
        }
    }

    // Records compare lists by reference, so compare those by content and the rest by value.
    private static bool SameEntry(CatalogEntry a, CatalogEntry b) =>
        a with { Skus = b.Skus, Variants = b.Variants } == b && a.Skus.SequenceEqual(b.Skus) && a.Variants.SequenceEqual(b.Variants);
}

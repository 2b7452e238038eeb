using BetterData.Grains.Hosting;
using Orleans.Concurrency;

namespace BetterData.Grains.Catalog;

/// <summary>
/// Search and item resolution read the <see cref="ICatalogStore"/> (PostgreSQL rows, so a catalog of any size costs
/// one indexed query); the grain's own state is only the bounded parked stock. Reentrant: parking changes state
/// synchronously before its first await, and concurrent parkers share storage writes.
/// </summary>
[Reentrant]
public sealed class CatalogIndexGrain : Grain, ICatalogIndexGrain
{
    private const int MaxParked = 1_000;
    private readonly IPersistentState<CatalogIndexState> state;
    private readonly ICatalogStore catalog;
    private readonly CoalescingStateWriter writer;

    public CatalogIndexGrain([PersistentState("catalog-index", StorageNames.Default)] IPersistentState<CatalogIndexState> state, ICatalogStore catalog)
    {
        this.state = state;
        this.catalog = catalog;
        writer = new CoalescingStateWriter(() => state.WriteStateAsync());
    }

    private string TenantId => this.GetPrimaryKeyString();

    public Task<IReadOnlyList<CatalogEntry>> SearchAsync(string? query, int limit) => catalog.SearchAsync(TenantId, query, limit);

    public Task<VariantRef?> ResolveAsync(string inventoryItemOrVariantId) => catalog.ResolveAsync(TenantId, inventoryItemOrVariantId);

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
        if (s.Parked.Count == 0)
        {
            return [];
        }

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
}

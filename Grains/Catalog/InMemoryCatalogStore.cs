using System.Collections.Concurrent;

namespace BetterData.Grains.Catalog;

/// <summary>
/// Embedded mode's catalog: per-tenant dictionaries under a per-tenant lock. It holds each product's previous entry, so
/// it forgets exactly the ids that entry named. An upsert and the read of its parked counts happen under one lock, so a
/// count parked at the same time is either read or resolvable by its parker. Not durable, like the rest of embedded mode.
/// </summary>
public sealed class InMemoryCatalogStore : ICatalogStore
{
    private readonly ConcurrentDictionary<string, TenantCatalog> tenants = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<InventoryChange>> UpsertAsync(
        string tenantId, CatalogEntry entry, IReadOnlyCollection<string> staleItemIds, IReadOnlyCollection<string> claimItemIds)
    {
        var catalog = Of(tenantId);
        lock (catalog)
        {
            catalog.Forget(entry.ProductId);
            catalog.Products[entry.ProductId] = entry;
            foreach (var variant in entry.Variants)
            {
                catalog.Items[variant.VariantId] = new VariantRef(entry.ProductId, variant.VariantId);
                if (variant.InventoryItemId is { } item)
                {
                    catalog.Items[item] = new VariantRef(entry.ProductId, variant.VariantId);
                }
            }

            IReadOnlyList<InventoryChange> parked = catalog.Parked.Count == 0
                ? []
                : [.. claimItemIds.SelectMany(item => catalog.Parked.TryGetValue(item, out var byLocation)
                    ? byLocation.Values.Select(p => p.Change)
                    : [])];
            return Task.FromResult(parked);
        }
    }

    public Task RemoveAsync(string tenantId, string productId, IReadOnlyCollection<string> itemIds)
    {
        var catalog = Of(tenantId);
        lock (catalog)
        {
            catalog.Forget(productId);
            catalog.Products.Remove(productId);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CatalogEntry>> SearchAsync(string tenantId, string? query, int limit)
    {
        var q = query?.Trim();
        var catalog = Of(tenantId);
        lock (catalog)
        {
            IReadOnlyList<CatalogEntry> hits = [.. catalog.Products.Values
                .Where(p => string.IsNullOrEmpty(q)
                    || p.Title.Contains(q, StringComparison.OrdinalIgnoreCase)
                    || p.Skus.Any(sku => sku.Contains(q, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(p => p.Title.ToLowerInvariant(), StringComparer.Ordinal)
                .ThenBy(p => p.ProductId, StringComparer.Ordinal)
                .Take(limit)];
            return Task.FromResult(hits);
        }
    }

    public Task<VariantRef?> ResolveAsync(string tenantId, string inventoryItemOrVariantId)
    {
        var catalog = Of(tenantId);
        lock (catalog)
        {
            return Task.FromResult(catalog.Items.GetValueOrDefault(inventoryItemOrVariantId));
        }
    }

    public Task ParkAsync(string tenantId, InventoryChange change, DateTimeOffset parkedAt)
    {
        var catalog = Of(tenantId);
        lock (catalog)
        {
            if (!catalog.Parked.TryGetValue(change.InventoryItemId, out var byLocation))
            {
                catalog.Parked[change.InventoryItemId] = byLocation = new(StringComparer.Ordinal);
            }

            if (!byLocation.TryGetValue(change.LocationId, out var held) || held.Change.UpdatedAt <= change.UpdatedAt)
            {
                byLocation[change.LocationId] = (change, parkedAt);
            }
        }

        return Task.CompletedTask;
    }

    public Task UnparkAsync(string tenantId, IReadOnlyCollection<InventoryChange> applied)
    {
        var catalog = Of(tenantId);
        lock (catalog)
        {
            foreach (var change in applied)
            {
                if (catalog.Parked.TryGetValue(change.InventoryItemId, out var byLocation)
                    && byLocation.TryGetValue(change.LocationId, out var held) && held.Change.UpdatedAt <= change.UpdatedAt)
                {
                    byLocation.Remove(change.LocationId);
                    if (byLocation.Count == 0)
                    {
                        catalog.Parked.Remove(change.InventoryItemId);
                    }
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<int> PurgeParkedAsync(DateTimeOffset cutoff)
    {
        var removed = 0;
        foreach (var catalog in tenants.Values)
        {
            lock (catalog)
            {
                foreach (var (item, byLocation) in catalog.Parked.ToList())
                {
                    foreach (var (location, _) in byLocation.Where(p => p.Value.ParkedAt < cutoff).ToList())
                    {
                        byLocation.Remove(location);
                        removed++;
                    }

                    if (byLocation.Count == 0)
                    {
                        catalog.Parked.Remove(item);
                    }
                }
            }
        }

        return Task.FromResult(removed);
    }

    private TenantCatalog Of(string tenantId) => tenants.GetOrAdd(tenantId, _ => new TenantCatalog());

    private sealed class TenantCatalog
    {
        public Dictionary<string, CatalogEntry> Products { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, VariantRef> Items { get; } = new(StringComparer.Ordinal);
        // Parked counts by inventory item, then location: a product claims by item, so a claim never scans the rest.
        public Dictionary<string, Dictionary<string, (InventoryChange Change, DateTimeOffset ParkedAt)>> Parked { get; } = new(StringComparer.Ordinal);

        // Only the product's own ids still pointing at it: a scan of every item would make building a catalog quadratic.
        public void Forget(string productId)
        {
            if (!Products.TryGetValue(productId, out var held))
            {
                return;
            }

            foreach (var variant in held.Variants)
            {
                ForgetItem(variant.VariantId, productId);
                if (variant.InventoryItemId is { } item)
                {
                    ForgetItem(item, productId);
                }
            }
        }

        private void ForgetItem(string itemId, string productId)
        {
            if (Items.TryGetValue(itemId, out var at) && at.ProductId == productId)
            {
                Items.Remove(itemId);
            }
        }
    }
}

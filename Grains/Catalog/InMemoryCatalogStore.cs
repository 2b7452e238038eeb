using System.Collections.Concurrent;

namespace BetterData.Grains.Catalog;

/// <summary>
/// Embedded mode's catalog: per-tenant dictionaries under a per-tenant lock. It holds each product's previous entry, so
/// it forgets exactly the ids that entry named. Not durable, like the rest of embedded mode.
/// </summary>
public sealed class InMemoryCatalogStore : ICatalogStore
{
    private readonly ConcurrentDictionary<string, TenantCatalog> tenants = new(StringComparer.Ordinal);

    public Task UpsertAsync(string tenantId, CatalogEntry entry, IReadOnlyCollection<string> staleItemIds)
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
        }

        return Task.CompletedTask;
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

    private TenantCatalog Of(string tenantId) => tenants.GetOrAdd(tenantId, _ => new TenantCatalog());

    private sealed class TenantCatalog
    {
        public Dictionary<string, CatalogEntry> Products { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, VariantRef> Items { get; } = new(StringComparer.Ordinal);

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

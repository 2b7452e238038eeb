using System.Text.Json;
using BetterData.Grains.Hosting;
using Npgsql;
using NpgsqlTypes;
using static BetterData.Grains.Hosting.SqlArrays;

namespace BetterData.Grains.Catalog;

/// <summary>
/// The durable catalog: <c>catalog_products</c> and <c>catalog_items</c> from <c>deploy/sql/030-commerce.sql</c>.
/// Writes from all product grains of the silo are group-committed: one round trip and one transaction carries the
/// product rows and item rows of every write queued while the previous one ran.
/// </summary>
public sealed class PostgresCatalogStore : ICatalogStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource db;
    private readonly GroupCommit<CatalogWrite> writes;

    public PostgresCatalogStore(NpgsqlDataSource db)
    {
        this.db = db;
        writes = new GroupCommit<CatalogWrite>(WriteAsync);
    }

    public Task UpsertAsync(string tenantId, CatalogEntry entry, IReadOnlyCollection<string> staleItemIds) =>
        writes.AddAsync(new CatalogWrite(tenantId, entry.ProductId, entry, staleItemIds));

    public Task RemoveAsync(string tenantId, string productId, IReadOnlyCollection<string> itemIds) =>
        writes.AddAsync(new CatalogWrite(tenantId, productId, null, itemIds));

    public async Task<IReadOnlyList<CatalogEntry>> SearchAsync(string tenantId, string? query, int limit)
    {
        var q = query?.Trim() ?? "";
        await using var command = db.CreateCommand("""
            SELECT entry FROM catalog_products
            WHERE tenant_id = $1 AND ($2 = '' OR title ILIKE $3 OR skus ILIKE $3)
            ORDER BY lower(title) COLLATE "C", product_id COLLATE "C"
            LIMIT $4
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = q });
        command.Parameters.Add(new() { Value = "%" + EscapeLike(q) + "%" });
        command.Parameters.Add(new() { Value = limit });
        var hits = new List<CatalogEntry>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            hits.Add(JsonSerializer.Deserialize<CatalogEntry>(reader.GetString(0), JsonSerializerOptions.Web)!);
        }

        return hits;
    }

    public async Task<VariantRef?> ResolveAsync(string tenantId, string inventoryItemOrVariantId)
    {
        await using var command = db.CreateCommand("SELECT product_id, variant_id FROM catalog_items WHERE tenant_id = $1 AND item_id = $2");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = inventoryItemOrVariantId });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? new VariantRef(reader.GetString(0), reader.GetString(1)) : null;
    }

    // One batch, one implicit transaction: forget stale item ids (by primary key, and only where they still point at
    // the product that named them), delete removed products, upsert the rest, then point their item ids at them. The
    // newest write of a product in the batch wins.
    private async Task WriteAsync(IReadOnlyList<CatalogWrite> batch)
    {
        var latest = new Dictionary<(string, string), CatalogWrite>();
        var stale = new List<(string Tenant, string Item, string Product)>();
        foreach (var write in batch)
        {
            latest[(write.TenantId, write.ProductId)] = write;
            stale.AddRange(write.StaleItemIds.Select(item => (write.TenantId, item, write.ProductId)));
        }

        var upserts = latest.Values.Where(w => w.Entry is not null).ToList();
        var removes = latest.Values.Where(w => w.Entry is null).ToList();
        var items = new Dictionary<(string Tenant, string Item), VariantRef>();
        foreach (var write in upserts)
        {
            foreach (var variant in write.Entry!.Variants)
            {
                items[(write.TenantId, variant.VariantId)] = new VariantRef(write.ProductId, variant.VariantId);
                if (variant.InventoryItemId is { } item)
                {
                    items[(write.TenantId, item)] = new VariantRef(write.ProductId, variant.VariantId);
                }
            }
        }

        await using var sql = db.CreateBatch();
        if (stale.Count > 0)
        {
            sql.BatchCommands.Add(Command("""
                DELETE FROM catalog_items c USING unnest($1::text[], $2::text[], $3::text[]) AS s(tenant_id, item_id, product_id)
                WHERE c.tenant_id = s.tenant_id AND c.item_id = s.item_id AND c.product_id = s.product_id
                """, Texts(stale.Select(s => s.Tenant)), Texts(stale.Select(s => s.Item)), Texts(stale.Select(s => s.Product))));
        }

        if (removes.Count > 0)
        {
            sql.BatchCommands.Add(Command("""
                DELETE FROM catalog_products c USING unnest($1::text[], $2::text[]) AS p(tenant_id, product_id)
                WHERE c.tenant_id = p.tenant_id AND c.product_id = p.product_id
                """, Texts(removes.Select(w => w.TenantId)), Texts(removes.Select(w => w.ProductId))));
        }

        if (upserts.Count > 0)
        {
            sql.BatchCommands.Add(Command("""
                INSERT INTO catalog_products (tenant_id, product_id, title, skus, entry)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
                ON CONFLICT (tenant_id, product_id) DO UPDATE SET title = excluded.title, skus = excluded.skus, entry = excluded.entry
                """,
                Texts(upserts.Select(w => w.TenantId)), Texts(upserts.Select(w => w.ProductId)), Texts(upserts.Select(w => w.Entry!.Title)),
                Texts(upserts.Select(w => string.Join('\n', w.Entry!.Skus))),
                Values(NpgsqlDbType.Jsonb, upserts.Select(w => JsonSerializer.Serialize(w.Entry, JsonSerializerOptions.Web)))));
        }

        if (items.Count > 0)
        {
            sql.BatchCommands.Add(Command("""
                INSERT INTO catalog_items (tenant_id, item_id, product_id, variant_id)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
                ON CONFLICT (tenant_id, item_id) DO UPDATE SET product_id = excluded.product_id, variant_id = excluded.variant_id
                """,
                Texts(items.Keys.Select(k => k.Tenant)), Texts(items.Keys.Select(k => k.Item)),
                Texts(items.Values.Select(v => v.ProductId)), Texts(items.Values.Select(v => v.VariantId))));
        }

        await sql.ExecuteNonQueryAsync();
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        await writes.DisposeAsync();
    }

    private sealed record CatalogWrite(string TenantId, string ProductId, CatalogEntry? Entry, IReadOnlyCollection<string> StaleItemIds);
}

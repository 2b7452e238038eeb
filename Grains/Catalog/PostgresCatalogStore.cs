using System.Text.Json;
using BetterData.Grains.Hosting;
using Npgsql;
using NpgsqlTypes;
using static BetterData.Grains.Hosting.SqlArrays;

namespace BetterData.Grains.Catalog;

/// <summary>
/// The durable catalog: <c>catalog_products</c>, <c>catalog_items</c> and <c>parked_stock</c> from
/// <c>deploy/sql/030-commerce.sql</c>. Writes from all product grains of the silo are group-committed: one round trip
/// and one transaction carries the product rows and item rows of every write queued while the previous one ran; the
/// same round trip then reads the counts parked for the items those writes claim, after a Sync (an Npgsql error
/// barrier), that is after the rows committed. A count parked concurrently is therefore seen either by that read or
/// by its parker's second resolve, which runs after the park committed.
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

    public async Task<IReadOnlyList<InventoryChange>> UpsertAsync(
        string tenantId, CatalogEntry entry, IReadOnlyCollection<string> staleItemIds, IReadOnlyCollection<string> claimItemIds)
    {
        var write = new CatalogWrite(tenantId, entry.ProductId, entry, staleItemIds, claimItemIds);
        await writes.AddAsync(write);
        return write.Parked;
    }

    public Task RemoveAsync(string tenantId, string productId, IReadOnlyCollection<string> itemIds) =>
        writes.AddAsync(new CatalogWrite(tenantId, productId, null, itemIds, []));

    public async Task ParkAsync(string tenantId, InventoryChange change, DateTimeOffset parkedAt)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO parked_stock (tenant_id, item_id, location_id, available, updated_at, parked_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (tenant_id, item_id, location_id) DO UPDATE
                SET available = excluded.available, updated_at = excluded.updated_at, parked_at = excluded.parked_at
                WHERE parked_stock.updated_at <= excluded.updated_at
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = change.InventoryItemId });
        command.Parameters.Add(new() { Value = change.LocationId });
        command.Parameters.Add(new() { Value = change.Available });
        command.Parameters.Add(new() { Value = change.UpdatedAt.ToUniversalTime() });
        command.Parameters.Add(new() { Value = parkedAt.ToUniversalTime() });
        await command.ExecuteNonQueryAsync();
    }

    public async Task UnparkAsync(string tenantId, IReadOnlyCollection<InventoryChange> applied)
    {
        if (applied.Count == 0)
        {
            return;
        }

        await using var command = db.CreateCommand("""
            DELETE FROM parked_stock p USING unnest($2::text[], $3::text[], $4::timestamptz[]) AS a(item_id, location_id, updated_at)
            WHERE p.tenant_id = $1 AND p.item_id = a.item_id AND p.location_id = a.location_id AND p.updated_at <= a.updated_at
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(Texts(applied.Select(c => c.InventoryItemId)));
        command.Parameters.Add(Texts(applied.Select(c => c.LocationId)));
        command.Parameters.Add(Times(applied.Select(c => (DateTimeOffset?)c.UpdatedAt)));
        await command.ExecuteNonQueryAsync();
    }

    public async Task<int> PurgeParkedAsync(DateTimeOffset cutoff)
    {
        await using var command = db.CreateCommand("DELETE FROM parked_stock WHERE parked_at < $1");
        command.Parameters.Add(new() { Value = cutoff.ToUniversalTime() });
        return await command.ExecuteNonQueryAsync();
    }

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
    // newest write of a product in the batch wins. When writes claim items, a Sync commits that transaction and the
    // parked counts for the claimed items are read in the same round trip.
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

        var claims = batch.SelectMany(w => w.ClaimItemIds.Select(item => (w.TenantId, Item: item))).ToHashSet();
        if (claims.Count == 0)
        {
            await sql.ExecuteNonQueryAsync();
            return;
        }

        sql.BatchCommands[^1].AppendErrorBarrier = true;
        sql.BatchCommands.Add(Command("""
            SELECT p.tenant_id, p.item_id, p.location_id, p.available, p.updated_at
            FROM parked_stock p JOIN unnest($1::text[], $2::text[]) AS c(tenant_id, item_id)
                ON p.tenant_id = c.tenant_id AND p.item_id = c.item_id
            """, Texts(claims.Select(c => c.TenantId)), Texts(claims.Select(c => c.Item))));
        var parked = new List<(string TenantId, string Item, InventoryChange Change)>();
        await using (var reader = await sql.ExecuteReaderAsync())
        {
            do
            {
                while (await reader.ReadAsync())
                {
                    parked.Add((reader.GetString(0), reader.GetString(1), new InventoryChange(reader.GetString(1), reader.GetString(2),
                        reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4))));
                }
            }
            while (await reader.NextResultAsync());
        }

        var byItem = parked.ToLookup(p => (p.TenantId, p.Item), p => p.Change);
        foreach (var write in batch)
        {
            write.Parked.AddRange(write.ClaimItemIds.SelectMany(item => byItem[(write.TenantId, item)]));
        }
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        await writes.DisposeAsync();
    }

    // Parked is filled by the write that carried it, before its caller resumes.
    private sealed record CatalogWrite(
        string TenantId, string ProductId, CatalogEntry? Entry, IReadOnlyCollection<string> StaleItemIds, IReadOnlyCollection<string> ClaimItemIds)
    {
        public List<InventoryChange> Parked { get; } = [];
    }
}

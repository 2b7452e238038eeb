using System.Text.Json;
using BetterData.Grains.Hosting;
using Npgsql;
using NpgsqlTypes;
using static BetterData.Grains.Hosting.SqlArrays;

namespace BetterData.Grains.Orders;

/// <summary>
/// <c>commerce_orders</c> from <c>deploy/sql/030-commerce.sql</c>: one row per order, written group-committed across the
/// silo's order grains, listed newest first on its (tenant, created_at, order id) index with keyset paging.
/// </summary>
public sealed class PostgresOrderIndex : IOrderIndex, IAsyncDisposable
{
    private readonly NpgsqlDataSource db;
    private readonly GroupCommit<(string TenantId, OrderView Order)> writes;

    public PostgresOrderIndex(NpgsqlDataSource db)
    {
        this.db = db;
        writes = new(WriteAsync);
    }

    public Task RecordAsync(string tenantId, OrderView order) => writes.AddAsync((tenantId, order));

    public async Task<OrderPage> ListAsync(string tenantId, OrderQuery query)
    {
        var after = KeysetCursor.Decode(query.Cursor);
        await using var command = db.CreateCommand("""
            SELECT entry, created_at FROM commerce_orders
            WHERE tenant_id = $1
              AND ($2::text IS NULL OR status = $2)
              AND ($3::text IS NULL OR source = $3)
              AND ($4::timestamptz IS NULL OR (created_at, order_id COLLATE "C") < ($4, $5 COLLATE "C"))
            ORDER BY created_at DESC, order_id COLLATE "C" DESC
            LIMIT $6
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = (object?)query.Status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.Source ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)after?.CreatedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = after?.Id ?? "", NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = query.Limit + 1 });
        var rows = new List<(OrderView Order, DateTimeOffset StoredAt)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((JsonSerializer.Deserialize<OrderView>(reader.GetString(0), JsonSerializerOptions.Web)!, reader.GetFieldValue<DateTimeOffset>(1)));
            }
        }

        // The cursor is the row's key as stored (PostgreSQL keeps microseconds, the order's own time may have more), so
        // the next page starts exactly after it.
        var next = rows.Count > query.Limit ? KeysetCursor.Encode(rows[query.Limit - 1].StoredAt, rows[query.Limit - 1].Order.OrderId) : null;
        return new OrderPage([.. rows.Take(query.Limit).Select(r => r.Order)], next);
    }

    // A repeated write of one order in a batch (two activations racing) keeps the last: one INSERT cannot update a
    // row twice.
    private async Task WriteAsync(IReadOnlyList<(string TenantId, OrderView Order)> batch)
    {
        var rows = batch.GroupBy(w => (w.TenantId, w.Order.OrderId)).Select(g => g.Last()).ToList();
        await using var command = db.CreateCommand("""
            INSERT INTO commerce_orders (tenant_id, order_id, status, source, created_at, entry)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[])
            ON CONFLICT (tenant_id, order_id) DO UPDATE
                SET status = excluded.status, source = excluded.source, created_at = excluded.created_at, entry = excluded.entry
            """);
        command.Parameters.Add(Texts(rows.Select(r => r.TenantId)));
        command.Parameters.Add(Texts(rows.Select(r => r.Order.OrderId)));
        command.Parameters.Add(Texts(rows.Select(r => r.Order.Status)));
        command.Parameters.Add(Texts(rows.Select(r => r.Order.Source)));
        command.Parameters.Add(Times(rows.Select(r => (DateTimeOffset?)r.Order.CreatedAt)));
        command.Parameters.Add(Values(NpgsqlDbType.Jsonb, rows.Select(r => JsonSerializer.Serialize(r.Order, JsonSerializerOptions.Web))));
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await writes.DisposeAsync();
    }
}

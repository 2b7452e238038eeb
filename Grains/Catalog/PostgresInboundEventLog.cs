using BetterData.Grains.Hosting;
using Npgsql;
using NpgsqlTypes;
using static BetterData.Grains.Hosting.SqlArrays;

namespace BetterData.Grains.Catalog;

/// <summary><c>inbound_events</c> from <c>deploy/sql/030-commerce.sql</c>; records are group-committed across the silo's inboxes.</summary>
public sealed class PostgresInboundEventLog : IInboundEventLog, IAsyncDisposable
{
    private readonly NpgsqlDataSource db;
    private readonly GroupCommit<(string TenantId, string EventId, DateTimeOffset At)> records;

    public PostgresInboundEventLog(NpgsqlDataSource db)
    {
        this.db = db;
        records = new(InsertAsync);
    }

    public Task RecordAsync(string tenantId, string eventId, DateTimeOffset at) => records.AddAsync((tenantId, eventId, at));

    public async Task<IReadOnlyList<(string EventId, DateTimeOffset At)>> RecentAsync(string tenantId, DateTimeOffset since, int limit)
    {
        await using var command = db.CreateCommand("""
            SELECT event_id, seen_at FROM inbound_events WHERE tenant_id = $1 AND seen_at > $2 ORDER BY seen_at DESC LIMIT $3
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = since });
        command.Parameters.Add(new() { Value = limit });
        var recent = new List<(string, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            recent.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return recent;
    }

    public async Task<int> PurgeAsync(DateTimeOffset cutoff)
    {
        await using var command = db.CreateCommand("DELETE FROM inbound_events WHERE seen_at < $1");
        command.Parameters.Add(new() { Value = cutoff });
        return await command.ExecuteNonQueryAsync();
    }

    private async Task InsertAsync(IReadOnlyList<(string TenantId, string EventId, DateTimeOffset At)> batch)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO inbound_events (tenant_id, event_id, seen_at)
            SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) ON CONFLICT DO NOTHING
            """);
        command.Parameters.Add(Texts(batch.Select(r => r.TenantId)));
        command.Parameters.Add(Texts(batch.Select(r => r.EventId)));
        command.Parameters.Add(Values(NpgsqlDbType.TimestampTz, batch.Select(r => r.At)));
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await records.DisposeAsync();
    }
}

using Npgsql;

namespace BetterData.Grains.Delivery;

/// <summary>The durable store: our own tables from <c>deploy/sql/010-delivery.sql</c>, every query on an index.</summary>
public sealed class PostgresDeliveryStore(NpgsqlDataSource db) : IDeliveryStore
{

    public async Task<StoredMessage> SaveMessageAsync(OutboundMessage message, string? idempotencyKey, TimeSpan keyWindow)
    {
        if (idempotencyKey is not null)
        {
            await using var find = db.CreateCommand("""
                SELECT id, event_type, body, created_at, fanned_out FROM delivery_messages
                WHERE tenant_id = $1 AND idempotency_key = $2 AND created_at > $3
                ORDER BY created_at DESC LIMIT 1
                """);
            find.Parameters.Add(new() { Value = message.TenantId });
            find.Parameters.Add(new() { Value = idempotencyKey });
            find.Parameters.Add(new() { Value = message.Timestamp - keyWindow });
            await using var reader = await find.ExecuteReaderAsync();
            if (await reader.ReadAsync())
            {
                var earlier = new OutboundMessage(reader.GetString(0), message.TenantId, reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(2));
                return new StoredMessage(earlier, true, reader.GetBoolean(4));
            }
        }

        await using var insert = db.CreateCommand("""
            INSERT INTO delivery_messages (id, tenant_id, event_type, body, idempotency_key, created_at)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING
            """);
        insert.Parameters.Add(new() { Value = message.Id });
        insert.Parameters.Add(new() { Value = message.TenantId });
        insert.Parameters.Add(new() { Value = message.Type });
        insert.Parameters.Add(new() { Value = message.Body });
        insert.Parameters.Add(new() { Value = (object?)idempotencyKey ?? DBNull.Value });
        insert.Parameters.Add(new() { Value = message.Timestamp });
        await insert.ExecuteNonQueryAsync();
        return new StoredMessage(message, false, false);
    }

    public async Task MarkFannedOutAsync(string messageId)
    {
        await using var command = db.CreateCommand("UPDATE delivery_messages SET fanned_out = true WHERE id = $1");
        command.Parameters.Add(new() { Value = messageId });
        await command.ExecuteNonQueryAsync();
    }

    public async Task EnqueueAsync(string endpointId, string deliveryId, OutboundMessage message, DateTimeOffset dueAt)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO deliveries (id, endpoint_id, message_id, event_type, status, next_attempt_at, created_at, updated_at)
            VALUES ($1, $2, $3, $4, 0, $5, $5, $5) ON CONFLICT (endpoint_id, message_id) DO NOTHING
            """);
        command.Parameters.Add(new() { Value = deliveryId });
        command.Parameters.Add(new() { Value = endpointId });
        command.Parameters.Add(new() { Value = message.Id });
        command.Parameters.Add(new() { Value = message.Type });
        command.Parameters.Add(new() { Value = dueAt });
        await command.ExecuteNonQueryAsync();
    }

    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(string endpointId, DateTimeOffset now, int max, DateTimeOffset leaseUntil)
    {
        await using var command = db.CreateCommand("""
            WITH due AS (
                SELECT id FROM deliveries
                WHERE endpoint_id = $1 AND status < 2 AND next_attempt_at <= $2
                ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
            UPDATE deliveries d SET next_attempt_at = $4
            FROM due, delivery_messages m
            WHERE d.id = due.id AND m.id = d.message_id
            RETURNING d.id, d.message_id, m.body, d.attempts, d.manual
            """);
        command.Parameters.Add(new() { Value = endpointId });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = max });
        command.Parameters.Add(new() { Value = leaseUntil });
        var claimed = new List<DueDelivery>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            claimed.Add(new DueDelivery(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetBoolean(4)));
        }

        return claimed;
    }

    public async Task<DateTimeOffset?> NextDueAsync(string endpointId)
    {
        await using var command = db.CreateCommand("SELECT min(next_attempt_at) FROM deliveries WHERE endpoint_id = $1 AND status < 2");
        command.Parameters.Add(new() { Value = endpointId });
        return await command.ExecuteScalarAsync() is DateTime value ? new DateTimeOffset(value, TimeSpan.Zero) : null;
    }

    public async Task RecordAttemptAsync(string deliveryId, DeliveryAttempt attempt, DeliveryStatus status, DateTimeOffset? nextAttemptAt)
    {
        await using var command = db.CreateCommand("""
            WITH d AS (
                UPDATE deliveries SET attempts = attempts + 1, status = $2, next_attempt_at = $3, manual = false, updated_at = $4
                WHERE id = $1 RETURNING id, attempts)
            INSERT INTO delivery_attempts (delivery_id, attempt_number, at, trigger, status_code, duration_ms, error_kind, response_excerpt)
            SELECT d.id, d.attempts, $4, $5, $6, $7, $8, $9 FROM d
            """);
        command.Parameters.Add(new() { Value = deliveryId });
        command.Parameters.Add(new() { Value = (short)status });
        command.Parameters.Add(new() { Value = (object?)nextAttemptAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = attempt.At });
        command.Parameters.Add(new() { Value = attempt.Trigger });
        command.Parameters.Add(new() { Value = (object?)attempt.StatusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = attempt.DurationMs });
        command.Parameters.Add(new() { Value = (object?)attempt.ErrorKind ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)attempt.ResponseExcerpt?.Replace("\0", "", StringComparison.Ordinal) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync();
    }

    public async Task<DeliveryPage> ListAsync(string endpointId, DeliveryQuery query)
    {
        var after = DeliveryCursor.Decode(query.Cursor);
        await using var command = db.CreateCommand("""
            SELECT id, message_id, event_type, status, attempts, created_at, next_attempt_at FROM deliveries
            WHERE endpoint_id = $1
              AND ($2::smallint IS NULL OR status = $2)
              AND ($3::text IS NULL OR event_type = $3)
              AND ($4::timestamptz IS NULL OR created_at >= $4)
              AND ($5::timestamptz IS NULL OR created_at < $5)
              AND ($6::timestamptz IS NULL OR (created_at, id) < ($6, $7))
            ORDER BY created_at DESC, id DESC LIMIT $8
            """);
        command.Parameters.Add(new() { Value = endpointId });
        command.Parameters.Add(new() { Value = query.Status is { } s ? (short)s : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Smallint });
        command.Parameters.Add(new() { Value = (object?)query.EventType ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.Since ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)query.Until ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)after?.CreatedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)after?.Id ?? "", NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = query.Limit + 1 });
        var items = new List<DeliverySummary>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                items.Add(Summary(reader));
            }
        }

        var next = items.Count > query.Limit ? DeliveryCursor.Encode(items[query.Limit - 1].CreatedAt, items[query.Limit - 1].Id) : null;
        return new DeliveryPage(items.Take(query.Limit).ToList(), next);
    }

    public async Task<DeliveryDetail?> GetAsync(string endpointId, string deliveryId)
    {
        await using var command = db.CreateCommand("""
            SELECT id, message_id, event_type, status, attempts, created_at, next_attempt_at FROM deliveries WHERE id = $1 AND endpoint_id = $2
            """);
        command.Parameters.Add(new() { Value = deliveryId });
        command.Parameters.Add(new() { Value = endpointId });
        DeliverySummary summary;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                return null;
            }

            summary = Summary(reader);
        }

        await using var attempts = db.CreateCommand("""
            SELECT at, trigger, status_code, duration_ms, error_kind, response_excerpt FROM delivery_attempts
            WHERE delivery_id = $1 ORDER BY attempt_number
            """);
        attempts.Parameters.Add(new() { Value = deliveryId });
        var list = new List<DeliveryAttempt>();
        await using (var reader = await attempts.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                list.Add(new DeliveryAttempt(
                    reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
                    reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
        }

        return new DeliveryDetail(summary, list);
    }

    public async Task<bool> ScheduleManualAsync(string endpointId, string deliveryId, DateTimeOffset now)
    {
        await using var command = db.CreateCommand("""
            UPDATE deliveries SET manual = true, status = 1, next_attempt_at = $3, updated_at = $3 WHERE id = $1 AND endpoint_id = $2
            """);
        command.Parameters.Add(new() { Value = deliveryId });
        command.Parameters.Add(new() { Value = endpointId });
        command.Parameters.Add(new() { Value = now });
        return await command.ExecuteNonQueryAsync() > 0;
    }

    public async Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now)
    {
        await using var command = db.CreateCommand("""
            UPDATE deliveries SET manual = true, status = 1, next_attempt_at = $3, updated_at = $3
            WHERE endpoint_id = $1 AND status = 3 AND created_at >= $2
            """);
        command.Parameters.Add(new() { Value = endpointId });
        command.Parameters.Add(new() { Value = since });
        command.Parameters.Add(new() { Value = now });
        return await command.ExecuteNonQueryAsync();
    }

    public async Task DeleteEndpointAsync(string endpointId)
    {
        await using var command = db.CreateCommand("DELETE FROM deliveries WHERE endpoint_id = $1");
        command.Parameters.Add(new() { Value = endpointId });
        await command.ExecuteNonQueryAsync();
    }

    public async Task<(long Pending, long Retrying)> CountUnfinishedAsync()
    {
        await using var command = db.CreateCommand("""
            SELECT count(*) FILTER (WHERE status = 0), count(*) FILTER (WHERE status = 1) FROM deliveries WHERE status < 2
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public async Task<int> PurgeAsync(DateTimeOffset cutoff)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM deliveries WHERE status >= 2 AND updated_at < $1") { Parameters = { new() { Value = cutoff } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            DELETE FROM delivery_messages m WHERE m.created_at < $1
              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id)
            """) { Parameters = { new() { Value = cutoff } } });
        await batch.ExecuteNonQueryAsync();
        return batch.BatchCommands[0].RecordsAffected;
    }


    private static DeliverySummary Summary(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), (DeliveryStatus)reader.GetInt16(3), reader.GetInt32(4),
        reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
}

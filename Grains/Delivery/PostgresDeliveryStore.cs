using BetterData.Grains.Hosting;
using Npgsql;
using NpgsqlTypes;
using static BetterData.Grains.Hosting.SqlArrays;

namespace BetterData.Grains.Delivery;

/// <summary>
/// The durable store: our own tables from <c>deploy/sql/010-delivery.sql</c>, every query on an index. The writes on
/// the delivery path (new messages, new deliveries, attempts, fan-out marks) from every grain of the silo are
/// group-committed: one round trip and one transaction carries whatever was queued while the previous one ran, and a
/// caller's task completes only once its write committed.
/// </summary>
public sealed class PostgresDeliveryStore : IDeliveryStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource db;
    private readonly GroupCommit<Write> writes;

    public PostgresDeliveryStore(NpgsqlDataSource db)
    {
        this.db = db;
        writes = new GroupCommit<Write>(WriteAsync);
    }

    public async Task<StoredMessage?> FindByKeyAsync(string tenantId, string idempotencyKey, DateTimeOffset since)
    {
        await using var find = db.CreateCommand("""
            SELECT id, event_type, body, created_at, fanned_out FROM delivery_messages
            WHERE tenant_id = $1 AND idempotency_key = $2 AND created_at > $3
            ORDER BY created_at DESC LIMIT 1
            """);
        find.Parameters.Add(new() { Value = tenantId });
        find.Parameters.Add(new() { Value = idempotencyKey });
        find.Parameters.Add(new() { Value = since });
        await using var reader = await find.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new StoredMessage(new OutboundMessage(reader.GetString(0), tenantId, reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(2)), reader.GetBoolean(4))
            : null;
    }

    public async Task<IReadOnlyList<bool>> SaveAsync(OutboundMessage message, string? idempotencyKey, IReadOnlyList<NewDelivery> deliveries, DateTimeOffset dueAt)
    {
        var write = new PublishWrite(message, idempotencyKey, deliveries, dueAt);
        await writes.AddAsync(write);
        return [.. deliveries.Select(d => write.Added.Contains(d.DeliveryId))];
    }

    public Task MarkFannedOutAsync(string messageId) => writes.AddAsync(new FannedOutWrite(messageId));

    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(string endpointId, DateTimeOffset now, int max, DateTimeOffset leaseUntil, IReadOnlyCollection<string> exclude)
    {
        await using var command = db.CreateCommand("""
            WITH due AS (
                SELECT id FROM deliveries
                WHERE endpoint_id = $1 AND status < 2 AND next_attempt_at <= $2 AND id <> ALL($5)
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
        command.Parameters.Add(Texts(exclude));
        var claimed = new List<DueDelivery>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            claimed.Add(new DueDelivery(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetBoolean(4)));
        }

        return claimed;
    }

    public async Task<DateTimeOffset?> NextDueAsync(string endpointId, IReadOnlyCollection<string> exclude)
    {
        await using var command = db.CreateCommand("SELECT min(next_attempt_at) FROM deliveries WHERE endpoint_id = $1 AND status < 2 AND id <> ALL($2)");
        command.Parameters.Add(new() { Value = endpointId });
        command.Parameters.Add(Texts(exclude));
        return await command.ExecuteScalarAsync() is DateTime value ? new DateTimeOffset(value, TimeSpan.Zero) : null;
    }

    public Task RecordAttemptAsync(string deliveryId, DeliveryAttempt attempt, DeliveryStatus status, DateTimeOffset? nextAttemptAt) =>
        writes.AddAsync(new AttemptWrite(deliveryId, attempt, status, nextAttemptAt));

    public async Task<DeliveryPage> ListAsync(string endpointId, DeliveryQuery query)
    {
        var after = KeysetCursor.Decode(query.Cursor);
        // Filtered by an open status, the query says so in its text, so the plan may read the open-deliveries index.
        await using var command = db.CreateCommand($"""
            SELECT id, message_id, event_type, status, attempts, created_at, next_attempt_at FROM deliveries
            WHERE endpoint_id = $1{(query.Status is { } open && open != DeliveryStatus.Succeeded ? " AND status <> 2" : "")}
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

        var next = items.Count > query.Limit ? KeysetCursor.Encode(items[query.Limit - 1].CreatedAt, items[query.Limit - 1].Id) : null;
        return new DeliveryPage(items.Take(query.Limit).ToList(), next);
    }

    // One statement, so the delivery's status and its attempts come from one snapshot (two statements could show an
    // attempt whose status update they missed).
    public async Task<DeliveryDetail?> GetAsync(string endpointId, string deliveryId)
    {
        await using var command = db.CreateCommand("""
            SELECT d.id, d.message_id, d.event_type, d.status, d.attempts, d.created_at, d.next_attempt_at,
                   a.at, a.trigger, a.status_code, a.duration_ms, a.error_kind, a.response_excerpt
            FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
            WHERE d.id = $1 AND d.endpoint_id = $2
            ORDER BY a.attempt_number
            """);
        command.Parameters.Add(new() { Value = deliveryId });
        command.Parameters.Add(new() { Value = endpointId });
        DeliverySummary? summary = null;
        var list = new List<DeliveryAttempt>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            summary ??= Summary(reader);
            if (!reader.IsDBNull(7))
            {
                list.Add(new DeliveryAttempt(
                    reader.GetFieldValue<DateTimeOffset>(7), reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetInt32(9),
                    reader.GetInt64(10), reader.IsDBNull(11) ? null : reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetString(12)));
            }
        }

        return summary is null ? null : new DeliveryDetail(summary, list);
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

    // The attempts go in a second statement, whose snapshot is taken after the first one's deletes: an attempt written
    // by a send that finished while the endpoint was being deleted (it held the delivery's row, so the delete waited
    // for it) is then visible, and no attempt can be written for a delivery after it is gone.
    public async Task DeleteEndpointAsync(string endpointId)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var ids = new List<string>();
        await using (var command = new NpgsqlCommand("DELETE FROM deliveries WHERE endpoint_id = $1 RETURNING id", connection, transaction))
        {
            command.Parameters.Add(new() { Value = endpointId });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetString(0));
            }
        }

        await using (var command = new NpgsqlCommand("DELETE FROM delivery_attempts WHERE delivery_id = ANY($1)", connection, transaction))
        {
            command.Parameters.Add(Texts(ids));
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
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
        // Finished deliveries get no more attempts (a manual retry makes one unfinished first), so their attempts can
        // go in the same statement.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            WITH gone AS (DELETE FROM deliveries WHERE status >= 2 AND updated_at < $1 RETURNING id),
                 attempts AS (DELETE FROM delivery_attempts a USING gone WHERE a.delivery_id = gone.id)
            SELECT count(*)::int FROM gone
            """) { Parameters = { new() { Value = cutoff } } });
        // A message's deliveries are the key range of its prefix (NewDelivery.Prefix: what follows the prefix has a
        // fixed length), and those written before ids were derived are in the legacy index.
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            DELETE FROM delivery_messages m WHERE m.created_at < $1
              AND NOT EXISTS (
                  SELECT 1 FROM (SELECT ('dlv_' || CASE WHEN m.id LIKE 'msg\_%' THEN substr(m.id, 5) ELSE m.id END || '_') COLLATE "C" AS prefix) p
                  JOIN deliveries d ON d.id >= p.prefix AND d.id < p.prefix || '~'
                  WHERE length(d.id) = length(p.prefix) + {NewDelivery.EndpointPartLength})
              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND strpos(substr(d.id, 5), '_') = 0)
            """) { Parameters = { new() { Value = cutoff } } });
        return (int)(await batch.ExecuteScalarAsync())!;
    }


    // One batch, one implicit transaction, in dependency order: messages, then their deliveries (returning the ids
    // actually added, so a repeated publish knows what it added), then attempts, then fan-out marks. Attempts of the same
    // delivery in one batch (two activations racing) go into separate statements so each one counts.
    private async Task WriteAsync(IReadOnlyList<Write> batch)
    {
        var messages = batch.OfType<PublishWrite>().ToList();
        var enqueues = messages.SelectMany(w => w.Deliveries.Select(d => (Publish: w, Delivery: d))).ToList();
        var attempts = batch.OfType<AttemptWrite>().ToList();
        var fannedOut = batch.OfType<FannedOutWrite>().Select(w => w.MessageId).Distinct(StringComparer.Ordinal).ToList();
        await using var sql = db.CreateBatch();
        if (messages.Count > 0)
        {
            sql.BatchCommands.Add(Command("""
                INSERT INTO delivery_messages (id, tenant_id, event_type, body, idempotency_key, created_at)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
                ON CONFLICT (id) DO NOTHING
                """,
                Texts(messages.Select(w => w.Message.Id)), Texts(messages.Select(w => w.Message.TenantId)), Texts(messages.Select(w => w.Message.Type)),
                Texts(messages.Select(w => w.Message.Body)), Texts(messages.Select(w => w.IdempotencyKey)), Times(messages.Select(w => (DateTimeOffset?)w.Message.Timestamp))));
        }

        if (enqueues.Count > 0)
        {
            sql.BatchCommands.Add(Command("""
                INSERT INTO deliveries (id, endpoint_id, message_id, event_type, status, next_attempt_at, created_at, updated_at)
                SELECT v.id, v.endpoint_id, v.message_id, v.event_type, 0, v.due, v.due, v.due
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS v(id, endpoint_id, message_id, event_type, due)
                -- The key (ids are derived from message and endpoint), or the unique (message, endpoint) index a database
                -- upgraded from an earlier version keeps until its silos are gone.
                ON CONFLICT DO NOTHING
                RETURNING id
                """,
                Texts(enqueues.Select(e => e.Delivery.DeliveryId)), Texts(enqueues.Select(e => e.Delivery.EndpointId)),
                Texts(enqueues.Select(e => e.Publish.Message.Id)), Texts(enqueues.Select(e => e.Publish.Message.Type)),
                Times(enqueues.Select(e => (DateTimeOffset?)e.Publish.DueAt))));
        }

        foreach (var round in Rounds(attempts))
        {
            sql.BatchCommands.Add(Command("""
                WITH v AS (
                    SELECT * FROM unnest($1::text[], $2::smallint[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::integer[], $7::bigint[], $8::text[], $9::text[])
                        AS v(id, status, next_attempt_at, at, trigger, status_code, duration_ms, error_kind, response_excerpt)),
                d AS (
                    UPDATE deliveries SET attempts = deliveries.attempts + 1, status = v.status, next_attempt_at = v.next_attempt_at, manual = false, updated_at = v.at
                    FROM v WHERE deliveries.id = v.id RETURNING deliveries.id, deliveries.attempts)
                INSERT INTO delivery_attempts (delivery_id, attempt_number, at, trigger, status_code, duration_ms, error_kind, response_excerpt)
                SELECT d.id, d.attempts, v.at, v.trigger, v.status_code, v.duration_ms, v.error_kind, v.response_excerpt FROM d JOIN v ON v.id = d.id
                """,
                Texts(round.Select(w => w.DeliveryId)),
                Values(NpgsqlDbType.Smallint, round.Select(w => (short)w.Status)),
                Times(round.Select(w => w.NextAttemptAt)), Times(round.Select(w => (DateTimeOffset?)w.Attempt.At)),
                Texts(round.Select(w => w.Attempt.Trigger)),
                Values(NpgsqlDbType.Integer, round.Select(w => w.Attempt.StatusCode)),
                Values(NpgsqlDbType.Bigint, round.Select(w => w.Attempt.DurationMs)),
                Texts(round.Select(w => w.Attempt.ErrorKind)),
                Texts(round.Select(w => w.Attempt.ResponseExcerpt?.Replace("\0", "", StringComparison.Ordinal)))));
        }

        if (fannedOut.Count > 0)
        {
            sql.BatchCommands.Add(Command("UPDATE delivery_messages SET fanned_out = true WHERE id = ANY($1)", Texts(fannedOut)));
        }

        if (enqueues.Count == 0)
        {
            await sql.ExecuteNonQueryAsync();
            return;
        }

        // Only the deliveries INSERT returns rows, so the reader's one result set is its RETURNING. Delivery ids are
        // unique, so every publish of the batch reads its own from the one set.
        var added = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await sql.ExecuteReaderAsync())
        {
            do
            {
                while (await reader.ReadAsync())
                {
                    added.Add(reader.GetString(0));
                }
            }
            while (await reader.NextResultAsync());
        }

        messages.ForEach(w => w.Added = added);
    }

    private static IEnumerable<List<AttemptWrite>> Rounds(List<AttemptWrite> attempts)
    {
        var remaining = attempts;
        while (remaining.Count > 0)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var round = new List<AttemptWrite>();
            var later = new List<AttemptWrite>();
            foreach (var write in remaining)
            {
                (seen.Add(write.DeliveryId) ? round : later).Add(write);
            }

            yield return round;
            remaining = later;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await writes.DisposeAsync();
    }

    private abstract record Write;

    private sealed record PublishWrite(OutboundMessage Message, string? IdempotencyKey, IReadOnlyList<NewDelivery> Deliveries, DateTimeOffset DueAt) : Write
    {
        /// <summary>The ids of the deliveries the write added; set by the writer before the caller's task completes.</summary>
        public IReadOnlySet<string> Added { get; set; } = new HashSet<string>();
    }

    private sealed record FannedOutWrite(string MessageId) : Write;

    private sealed record AttemptWrite(string DeliveryId, DeliveryAttempt Attempt, DeliveryStatus Status, DateTimeOffset? NextAttemptAt) : Write;

    private static DeliverySummary Summary(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), (DeliveryStatus)reader.GetInt16(3), reader.GetInt32(4),
        reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
}

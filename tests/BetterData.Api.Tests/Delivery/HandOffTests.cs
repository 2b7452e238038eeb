using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Delivery;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BetterData.Api.Tests.Delivery;

/// <summary>
/// The in-memory hand-off of the endpoint grain and the store contract it relies on, in both stores: a delivery
/// enqueued with a free slot is sent at once without a lease (so it is due again at once if the process dies), the
/// grain's claims exclude what it holds, and a repeated publish reports what it added.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HandOffTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Enqueue_FreeSlotSendsAtOnce_NoFreeSlotWaits_EachSentOnceAndRecordedOnce(bool durable)
    {
        // One slot: the first delivery takes it (the receiver holds its reply until released), the next two wait.
        var firstReply = new TaskCompletionSource();
        await using var receiver = (await WebhookReceiver.StartAsync()).ThenHeld(firstReply.Task);
        await using var app = new BetterDataApp(durable ? await postgres.NewDatabaseAsync() : null,
            settings: new Dictionary<string, string?> { ["Delivery:MaxInFlightPerEndpoint"] = "1" });
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url);
        receiver.Secrets.Add(endpoint.Secret);

        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s1" });
        await receiver.WaitForAsync(1);
        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s2" });
        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s3" });
        Assert.Single(receiver.Requests); // the slot is taken until the first reply
        firstReply.SetResult();

        await receiver.WaitForAsync(3);
        var page = await client.DeliveriesAsync(tenant, endpoint.Endpoint.Id);
        Assert.Equal(3, page.Items.Count);
        foreach (var delivery in page.Items)
        {
            var detail = await client.WaitForAttemptsAsync(tenant, endpoint.Endpoint.Id, delivery.Id, 1);
            Assert.Equal(DeliveryStatus.Succeeded, detail.Delivery.Status);
            Assert.Equal(1, detail.Delivery.Attempts);
            Assert.Null(detail.Delivery.NextAttemptAt);
            Assert.Equal("scheduled", Assert.Single(detail.Attempts).Trigger);
        }

        Assert.Equal(3, receiver.Requests.Count);
        Assert.Equal(3, receiver.Requests.Select(r => r.Id).Distinct().Count());
        Assert.All(receiver.Requests, r => Assert.True(r.StandardValid && r.BetterDataValid));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadyQueueOverflow_LeavesTheRestToTheStore_EveryDeliverySentOnce(bool durable)
    {
        // One slot, held by the first delivery, while more deliveries are offered than the ready queue holds (1,024):
        // those beyond it wait only in the store, and are claimed from there once the queue drains.
        const int events = 1100;
        var firstReply = new TaskCompletionSource();
        await using var receiver = (await WebhookReceiver.StartAsync()).ThenHeld(firstReply.Task);
        await using var app = new BetterDataApp(durable ? await postgres.NewDatabaseAsync() : null,
            settings: new Dictionary<string, string?> { ["Delivery:MaxInFlightPerEndpoint"] = "1" });
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url);
        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "first" });
        await receiver.WaitForAsync(1);
        await Parallel.ForAsync(1, events, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => await client.PublishAsync(tenant, "checkout.completed", new { sessionId = $"s{i}" }));
        Assert.Single(receiver.Requests); // all offered while the slot was held
        firstReply.SetResult();

        // Well before the reminder's one-minute tick: the grain itself goes back to the store.
        await receiver.WaitForAsync(events, TimeSpan.FromSeconds(20));
        await Task.Delay(500); // a second send of anything would arrive by now
        Assert.Equal(events, receiver.Requests.Count);
        Assert.Equal(events, receiver.Requests.Select(r => r.Id).Distinct().Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HandedOffDelivery_HasNoLease_IsDueAtOnceForAnyoneButTheActivationSendingIt(bool durable)
    {
        // The receiver holds the first reply, so the delivery is in flight while the store is inspected.
        var firstReply = new TaskCompletionSource();
        await using var receiver = (await WebhookReceiver.StartAsync()).ThenHeld(firstReply.Task);
        await using var app = new BetterDataApp(durable ? await postgres.NewDatabaseAsync() : null);
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url);
        await client.PublishAsync(tenant, "checkout.completed", new { sessionId = "s1" });
        await receiver.WaitForAsync(1);

        // What a new activation (after a crash mid-send) finds: the delivery pending and due now, not leased.
        var store = app.Service<IDeliveryStore>();
        var id = Assert.Single((await client.DeliveriesAsync(tenant, endpoint.Endpoint.Id)).Items).Id;
        var now = DateTimeOffset.UtcNow;
        Assert.True(await store.NextDueAsync(endpoint.Endpoint.Id, []) <= now);
        Assert.Empty(await store.ClaimDueAsync(endpoint.Endpoint.Id, now, 10, now.AddMinutes(1), new HashSet<string> { id }));
        Assert.Null(await store.NextDueAsync(endpoint.Endpoint.Id, new HashSet<string> { id }));
        var claimed = Assert.Single(await store.ClaimDueAsync(endpoint.Endpoint.Id, now, 10, now.AddMinutes(1), []));
        Assert.Equal(id, claimed.DeliveryId);
        Assert.Equal(0, claimed.Attempts);

        // The send in flight still records its attempt, which replaces the lease just taken.
        firstReply.SetResult();
        var detail = await client.WaitForAttemptsAsync(tenant, endpoint.Endpoint.Id, id, 1);
        Assert.Equal(DeliveryStatus.Succeeded, detail.Delivery.Status);
        Assert.Null(detail.Delivery.NextAttemptAt);
        Assert.Single(receiver.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task Store_RepeatedPublish_AddsOnlyMissingDeliveries_AndClaimsSkipExcludedIds(bool durable) => WithStoreAsync(durable, async (store, _) =>
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var messages = Enumerable.Range(0, 3).Select(i => new OutboundMessage($"msg_{i}", "t", "checkout.completed", now, $"{{\"i\":{i}}}")).ToList();
        var added = await Task.WhenAll(messages.Select((m, i) => store.SaveAsync(m, $"key-{i}", NewDelivery.For(m.Id, ["ep"]), now.AddSeconds(i))));
        Assert.All(added, a => Assert.True(Assert.Single(a)));
        var (d0, d1, d2) = (Id("msg_0", "ep"), Id("msg_1", "ep"), Id("msg_2", "ep"));

        // The publish repeated (the message found by its key) derives the same ids: only the endpoint that had no
        // delivery of it gets one, and the one it had keeps its due time.
        var again = NewDelivery.For("msg_0", ["ep", "ep2"]);
        Assert.Equal([d0, Id("msg_0", "ep2")], again.Select(d => d.DeliveryId));
        Assert.Equal([false, true], await store.SaveAsync(messages[0], "key-0", again, now.AddHours(1)));
        Assert.Equal("msg_0", (await store.FindByKeyAsync("t", "key-0", now.AddHours(-1)))?.Message.Id);
        Assert.Null(await store.FindByKeyAsync("t", "key-0", now));
        Assert.Equal(now, (await store.GetAsync("ep", d0))?.Delivery.CreatedAt);
        Assert.NotNull(await store.GetAsync("ep2", again[1].DeliveryId));

        HashSet<string> held = [d0];
        Assert.Equal(now.AddSeconds(1), await store.NextDueAsync("ep", held));
        var claimed = await store.ClaimDueAsync("ep", now.AddSeconds(5), 10, now.AddMinutes(1), held);
        Assert.Equal([d1, d2], claimed.Select(c => c.DeliveryId));
        Assert.Equal(now.AddMinutes(1), await store.NextDueAsync("ep", held));
        Assert.Equal(now, await store.NextDueAsync("ep", []));

        // Attempts of several deliveries (and two of one delivery) in one go each count.
        var attempt = new DeliveryAttempt(now, "scheduled", 500, 3, "http_status", "no");
        await Task.WhenAll(
            store.RecordAttemptAsync(d0, attempt, DeliveryStatus.Retrying, now.AddSeconds(30)),
            store.RecordAttemptAsync(d1, attempt, DeliveryStatus.Retrying, now.AddSeconds(30)),
            store.RecordAttemptAsync(d1, attempt with { StatusCode = 200, ErrorKind = null }, DeliveryStatus.Succeeded, null));
        Assert.Single((await store.GetAsync("ep", d0))!.Attempts);
        Assert.Equal(2, (await store.GetAsync("ep", d1))!.Delivery.Attempts);
        Assert.Equal(2, (await store.GetAsync("ep", d1))!.Attempts.Count);
        Assert.Empty((await store.GetAsync("ep", d2))!.Attempts);
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task Store_DeletingAnEndpoint_OrPurging_TakesTheAttemptsAlong(bool durable) => WithStoreAsync(durable, async (store, pg) =>
    {
        // No foreign keys in the delivery tables: the store itself removes attempts with their deliveries.
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var attempt = new DeliveryAttempt(now, "scheduled", 200, 3, null, "ok");
        OutboundMessage Message(string id, DateTimeOffset at) => new(id, "t", "checkout.completed", at, "{}");
        // msg_done's deliveries also share their key prefix with msg_done_2's, whose id starts with msg_done's.
        await store.SaveAsync(Message("msg_done", now), null, NewDelivery.For("msg_done", ["keep", "gone"]), now);
        await store.SaveAsync(Message("msg_open", now), null, NewDelivery.For("msg_open", ["keep"]), now);
        await store.SaveAsync(Message("msg_recent", now.AddDays(2)), null, NewDelivery.For("msg_recent", ["keep"]), now.AddDays(2));
        await store.SaveAsync(Message("msg_done_2", now), null, NewDelivery.For("msg_done_2", ["keep"]), now.AddDays(2));
        var (done, gone, open, recent, done2) = (Id("msg_done", "keep"), Id("msg_done", "gone"), Id("msg_open", "keep"), Id("msg_recent", "keep"), Id("msg_done_2", "keep"));
        await Task.WhenAll(
            store.RecordAttemptAsync(done, attempt, DeliveryStatus.Succeeded, null),
            store.RecordAttemptAsync(open, attempt with { StatusCode = 500, ErrorKind = "http_status" }, DeliveryStatus.Retrying, now.AddHours(1)),
            store.RecordAttemptAsync(gone, attempt, DeliveryStatus.Succeeded, null),
            store.RecordAttemptAsync(recent, attempt with { At = now.AddDays(2) }, DeliveryStatus.Succeeded, null));
        if (pg is not null)
        {
            // A delivery written before ids were derived (no key prefix), still retrying: its message stays.
            await using var legacy = pg.CreateCommand("""
                WITH m AS (INSERT INTO delivery_messages (id, tenant_id, event_type, body, created_at) VALUES ('msg_legacy', 't', 'checkout.completed', '{}', $1))
                INSERT INTO deliveries (id, endpoint_id, message_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
                VALUES ('dlv_0193d6a1c2b37a4f9e0d1c2b3a495867', 'keep', 'msg_legacy', 'checkout.completed', 1, 1, $2, $1, $1);
                """);
            legacy.Parameters.Add(new() { Value = now });
            legacy.Parameters.Add(new() { Value = now.AddHours(1) });
            await legacy.ExecuteNonQueryAsync();
        }

        await store.DeleteEndpointAsync("gone");
        Assert.Null(await store.GetAsync("gone", gone));

        // Finished before the cutoff: purged with its attempts (and its message, which no delivery refers to any
        // more); unfinished or recent: kept, with their messages.
        Assert.Equal(1, await store.PurgeAsync(now.AddDays(1)));
        Assert.Null(await store.GetAsync("keep", done));
        Assert.Single((await store.GetAsync("keep", open))!.Attempts);
        Assert.Single((await store.GetAsync("keep", recent))!.Attempts);
        Assert.NotNull(await store.GetAsync("keep", done2));
        if (pg is not null)
        {
            await using var count = pg.CreateCommand("""
                SELECT (SELECT count(*) FROM delivery_attempts), (SELECT string_agg(id, ',' ORDER BY id) FROM delivery_messages)
                """);
            await using var reader = await count.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(2, reader.GetInt64(0));
            Assert.Equal("msg_done_2,msg_legacy,msg_open,msg_recent", reader.GetString(1));

            // A second purge once the legacy delivery failed long ago takes it and its message.
            await using var fail = pg.CreateCommand("UPDATE deliveries SET status = 3, next_attempt_at = NULL WHERE message_id = 'msg_legacy'");
            await fail.ExecuteNonQueryAsync();
            Assert.Equal(1, await store.PurgeAsync(now.AddDays(1)));
            await using var messages = pg.CreateCommand("SELECT string_agg(id, ',' ORDER BY id) FROM delivery_messages");
            Assert.Equal("msg_done_2,msg_open,msg_recent", await messages.ExecuteScalarAsync());
        }
    });

    [Fact]
    public async Task Schema_UpgradesTheEarlierDeliveryTables_AndTheirRowsStayDeliverable()
    {
        // The delivery tables as the previous version created them (default collation, a unique (message, endpoint)
        // index, five secondary indexes), with a retrying delivery and its attempt in them.
        var cs = await postgres.NewDatabaseAsync();
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var old = NpgsqlDataSource.Create(cs))
        {
            await using var create = old.CreateCommand("""
                CREATE TABLE delivery_messages (id text PRIMARY KEY, tenant_id text NOT NULL, event_type text NOT NULL, body text NOT NULL,
                    idempotency_key text NULL, fanned_out boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL);
                CREATE INDEX ix_delivery_messages_created ON delivery_messages (created_at);
                CREATE TABLE deliveries (id text PRIMARY KEY, endpoint_id text NOT NULL, message_id text NOT NULL, event_type text NOT NULL,
                    status smallint NOT NULL, attempts integer NOT NULL DEFAULT 0, next_attempt_at timestamptz NULL, manual boolean NOT NULL DEFAULT false,
                    created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
                CREATE UNIQUE INDEX uq_deliveries_message_endpoint ON deliveries (message_id, endpoint_id);
                CREATE INDEX ix_deliveries_due ON deliveries (endpoint_id, next_attempt_at) WHERE status < 2;
                CREATE INDEX ix_deliveries_log ON deliveries (endpoint_id, created_at DESC, id DESC);
                CREATE INDEX ix_deliveries_log_unsucceeded ON deliveries (endpoint_id, status, created_at DESC, id DESC) WHERE status <> 2;
                CREATE INDEX ix_deliveries_retention ON deliveries (updated_at) WHERE status >= 2;
                CREATE TABLE delivery_attempts (delivery_id text NOT NULL, attempt_number integer NOT NULL, at timestamptz NOT NULL, trigger text NOT NULL,
                    status_code integer NULL, duration_ms bigint NOT NULL, error_kind text NULL, response_excerpt text NULL,
                    PRIMARY KEY (delivery_id, attempt_number));
                INSERT INTO delivery_attempts VALUES ('dlv_0193d6a1c2b37a4f9e0d1c2b3a495870', 1, '2026-01-01Z', 'scheduled', 500, 3, 'http_status', 'no');
                INSERT INTO delivery_messages (id, tenant_id, event_type, body, created_at)
                    VALUES ('msg_0193d6a1c2b37a4f9e0d1c2b3a495867', 't', 'checkout.completed', '{"old":true}', '2026-01-01Z');
                INSERT INTO deliveries (id, endpoint_id, message_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
                    VALUES ('dlv_0193d6a1c2b37a4f9e0d1c2b3a495870', 'ep', 'msg_0193d6a1c2b37a4f9e0d1c2b3a495867', 'checkout.completed', 1, 1,
                            '2026-01-01 00:05Z', '2026-01-01Z', '2026-01-01Z');
                """);
            await create.ExecuteNonQueryAsync();
        }

        await PostgresSchema.ApplyAsync(cs, NullLogger.Instance);
        await PostgresSchema.ApplyAsync(cs, NullLogger.Instance);

        await using var pg = NpgsqlDataSource.Create(cs);
        await using (var indexes = pg.CreateCommand("""
            SELECT (SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'deliveries'),
                   (SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'delivery_messages'),
                   (SELECT string_agg(c.collname, ',' ORDER BY a.attrelid::regclass::text) FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation
                    WHERE (a.attrelid = 'deliveries'::regclass AND a.attname = 'id') OR (a.attrelid = 'delivery_attempts'::regclass AND a.attname = 'delivery_id'))
            """))
        await using (var reader = await indexes.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            // The unique (message, endpoint) index stays for the earlier version's silos during a rolling upgrade.
            Assert.Equal(
                "deliveries_pkey,ix_deliveries_legacy_message,ix_deliveries_log,ix_deliveries_open,ix_deliveries_retention,uq_deliveries_message_endpoint",
                reader.GetString(0));
            Assert.Equal("delivery_messages_pkey,ix_delivery_messages_created,ix_delivery_messages_key", reader.GetString(1));
            Assert.Equal("C,C", reader.GetString(2));
        }

        // Both sides of the attempts join in one collation, so a delivery's attempts are read through their key.
        await using (var connection = await pg.OpenConnectionAsync())
        {
            await using var plan = new NpgsqlCommand("""
                SET enable_seqscan = off;
                EXPLAIN SELECT a.at FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id WHERE d.id = 'dlv_x' AND d.endpoint_id = 'ep';
                """, connection);
            var lines = new List<string>();
            await using var reader = await plan.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }

            Assert.Contains(lines, l => l.Contains("delivery_attempts_pkey", StringComparison.Ordinal));
        }

        // The old delivery is listed under its status and claimed with its message's body; new ones go alongside.
        await using var store = new PostgresDeliveryStore(pg);
        const string legacy = "dlv_0193d6a1c2b37a4f9e0d1c2b3a495870";
        Assert.Equal([legacy], (await store.ListAsync("ep", new DeliveryQuery(DeliveryStatus.Retrying, null, null, null, null, 10))).Items.Select(i => i.Id));
        Assert.Single((await store.GetAsync("ep", legacy))!.Attempts);
        await store.SaveAsync(new OutboundMessage("msg_new", "t", "checkout.completed", now, "{}"), null, NewDelivery.For("msg_new", ["ep"]), now);

        // A repeat of the old message's publish derives a new id for the endpoint it reached: the old unique index
        // still refuses it.
        var oldMessage = new OutboundMessage("msg_0193d6a1c2b37a4f9e0d1c2b3a495867", "t", "checkout.completed", now, "{\"old\":true}");
        Assert.Equal([false], await store.SaveAsync(oldMessage, null, NewDelivery.For(oldMessage.Id, ["ep"]), now));
        var claimed = await store.ClaimDueAsync("ep", now.AddMinutes(10), 10, now.AddMinutes(11), []);
        Assert.Equal([legacy, Id("msg_new", "ep")], claimed.Select(c => c.DeliveryId).Order(StringComparer.Ordinal));
        Assert.Equal("{\"old\":true}", claimed.Single(c => c.DeliveryId == legacy).Body);
    }

    [Fact]
    public void DeliveryIds_AreDerivedFromMessageAndEndpoint_OneKeyRangePerMessage()
    {
        var first = NewDelivery.For("msg_0193d6a1c2b37a4f9e0d1c2b3a495867", ["ep_b", "ep_a", "ep_c"]);
        Assert.Equal(["ep_b", "ep_a", "ep_c"], first.Select(d => d.EndpointId));
        Assert.Equal(3, first.Select(d => d.DeliveryId).Distinct().Count());
        Assert.All(first, d => Assert.Matches("^dlv_0193d6a1c2b37a4f9e0d1c2b3a495867_[0-9a-f]{16}$", d.DeliveryId));

        // The same message and endpoint give the same id, whatever else the publish matched.
        Assert.Equal(first[1].DeliveryId, NewDelivery.For("msg_0193d6a1c2b37a4f9e0d1c2b3a495867", ["ep_a"])[0].DeliveryId);
        Assert.NotEqual(first[1].DeliveryId, NewDelivery.For("msg_0193d6a1c2b37a4f9e0d1c2b3a495868", ["ep_a"])[0].DeliveryId);
        Assert.Equal("dlv_x_", NewDelivery.Prefix("msg_x"));

        // An endpoint listed twice takes the slow path that tells colliding ids apart, and keeps its one id.
        Assert.Equal([Id("msg_x", "ep"), Id("msg_x", "ep2"), Id("msg_x", "ep")], NewDelivery.For("msg_x", ["ep", "ep2", "ep"]).Select(d => d.DeliveryId));
        Assert.Equal("dlv_x_".Length + NewDelivery.EndpointPartLength, Id("msg_x", "ep").Length);
    }

    private static string Id(string messageId, string endpointId) => NewDelivery.For(messageId, [endpointId])[0].DeliveryId;

    // Each store test against the in-memory store and against PostgreSQL (a fresh database with the schema).
    private async Task WithStoreAsync(bool durable, Func<IDeliveryStore, NpgsqlDataSource?, Task> test)
    {
        await using var pg = durable ? await postgres.NewSchemaDataSourceAsync() : null;
        if (pg is null)
        {
            await test(new InMemoryDeliveryStore(), null);
            return;
        }

        await using var store = new PostgresDeliveryStore(pg);
        await test(store, pg);
    }
}

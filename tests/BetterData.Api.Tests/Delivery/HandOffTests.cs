using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Delivery;
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
        var added = await Task.WhenAll(messages.Select((m, i) => store.SaveAsync(m, $"key-{i}", [new NewDelivery("ep", $"dlv_{i}")], now.AddSeconds(i))));
        Assert.All(added, a => Assert.True(Assert.Single(a)));

        // The publish repeated (the message found by its key): only the endpoint that had no delivery of it gets one.
        Assert.Equal([false, true], await store.SaveAsync(messages[0], "key-0", [new NewDelivery("ep", "dlv_again"), new NewDelivery("ep2", "dlv_other")], now));
        Assert.Equal("msg_0", (await store.FindByKeyAsync("t", "key-0", now.AddHours(-1)))?.Message.Id);
        Assert.Null(await store.FindByKeyAsync("t", "key-0", now));
        Assert.Null(await store.GetAsync("ep", "dlv_again"));
        Assert.NotNull(await store.GetAsync("ep2", "dlv_other"));

        HashSet<string> held = ["dlv_0"];
        Assert.Equal(now.AddSeconds(1), await store.NextDueAsync("ep", held));
        var claimed = await store.ClaimDueAsync("ep", now.AddSeconds(5), 10, now.AddMinutes(1), held);
        Assert.Equal(["dlv_1", "dlv_2"], claimed.Select(c => c.DeliveryId));
        Assert.Equal(now.AddMinutes(1), await store.NextDueAsync("ep", held));
        Assert.Equal(now, await store.NextDueAsync("ep", []));

        // Attempts of several deliveries (and two of one delivery) in one go each count.
        var attempt = new DeliveryAttempt(now, "scheduled", 500, 3, "http_status", "no");
        await Task.WhenAll(
            store.RecordAttemptAsync("dlv_0", attempt, DeliveryStatus.Retrying, now.AddSeconds(30)),
            store.RecordAttemptAsync("dlv_1", attempt, DeliveryStatus.Retrying, now.AddSeconds(30)),
            store.RecordAttemptAsync("dlv_1", attempt with { StatusCode = 200, ErrorKind = null }, DeliveryStatus.Succeeded, null));
        Assert.Single((await store.GetAsync("ep", "dlv_0"))!.Attempts);
        Assert.Equal(2, (await store.GetAsync("ep", "dlv_1"))!.Delivery.Attempts);
        Assert.Equal(2, (await store.GetAsync("ep", "dlv_1"))!.Attempts.Count);
        Assert.Empty((await store.GetAsync("ep", "dlv_2"))!.Attempts);
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
        await store.SaveAsync(Message("msg_done", now), null, [new NewDelivery("keep", "dlv_done"), new NewDelivery("gone", "dlv_gone")], now);
        await store.SaveAsync(Message("msg_open", now), null, [new NewDelivery("keep", "dlv_open")], now);
        await store.SaveAsync(Message("msg_recent", now.AddDays(2)), null, [new NewDelivery("keep", "dlv_recent")], now.AddDays(2));
        await Task.WhenAll(
            store.RecordAttemptAsync("dlv_done", attempt, DeliveryStatus.Succeeded, null),
            store.RecordAttemptAsync("dlv_open", attempt with { StatusCode = 500, ErrorKind = "http_status" }, DeliveryStatus.Retrying, now.AddHours(1)),
            store.RecordAttemptAsync("dlv_gone", attempt, DeliveryStatus.Succeeded, null),
            store.RecordAttemptAsync("dlv_recent", attempt with { At = now.AddDays(2) }, DeliveryStatus.Succeeded, null));

        await store.DeleteEndpointAsync("gone");
        Assert.Null(await store.GetAsync("gone", "dlv_gone"));

        // Finished before the cutoff: purged with its attempts (and its message, which no delivery refers to any
        // more); unfinished or recent: kept.
        Assert.Equal(1, await store.PurgeAsync(now.AddDays(1)));
        Assert.Null(await store.GetAsync("keep", "dlv_done"));
        Assert.Single((await store.GetAsync("keep", "dlv_open"))!.Attempts);
        Assert.Single((await store.GetAsync("keep", "dlv_recent"))!.Attempts);
        if (pg is not null)
        {
            await using var count = pg.CreateCommand("""
                SELECT (SELECT count(*) FROM delivery_attempts), (SELECT string_agg(delivery_id, ',' ORDER BY delivery_id) FROM delivery_attempts),
                       (SELECT string_agg(id, ',' ORDER BY id) FROM delivery_messages)
                """);
            await using var reader = await count.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(2, reader.GetInt64(0));
            Assert.Equal("dlv_open,dlv_recent", reader.GetString(1));
            Assert.Equal("msg_open,msg_recent", reader.GetString(2));
        }

    });

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

using System.Diagnostics;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Delivery;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;

namespace BetterData.Api.Tests.Delivery;

/// <summary>
/// The scale benchmark: the cost of enqueueing (and claiming) for an endpoint is the same with 100,000 pending
/// deliveries as with 10, in both stores. Medians over many operations; the bound is loose (5x) because the machine is
/// shared, while a linear cost would be ~10,000x.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DeliveryScaleTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int Small = 10;
    private const int Large = 100_000;

    [Fact]
    public async Task Enqueue_InMemory_CostIndependentOfBacklog()
    {
        var store = new InMemoryDeliveryStore();
        var small = await MeasureAsync(store, "ep_small", Small, FillMemoryAsync);
        var large = await MeasureAsync(store, "ep_large", Large, FillMemoryAsync);
        output.WriteLine($"memory: enqueue+claim median {small.TotalMicroseconds:F1} µs at {Small} pending, {large.TotalMicroseconds:F1} µs at {Large}");
        Assert.True(large < (small * 5) + TimeSpan.FromMicroseconds(50), $"{large} vs {small}");
    }

    [Fact]
    public async Task Enqueue_Postgres_CostIndependentOfBacklog()
    {
        var cs = await postgres.NewDatabaseAsync();
        await PostgresSchema.ApplyAsync(cs, NullLogger.Instance);
        var store = new PostgresDeliveryStore(cs);
        await using var _ = store;
        Task Fill(IDeliveryStore s, string endpoint, int count) => FillPostgresAsync(cs, endpoint, count);
        var small = await MeasureAsync(store, "ep_small", Small, Fill);
        var large = await MeasureAsync(store, "ep_large", Large, Fill);
        output.WriteLine($"postgres: enqueue+claim median {small.TotalMicroseconds:F1} µs at {Small} pending, {large.TotalMicroseconds:F1} µs at {Large}");
        Assert.True(large < (small * 5) + TimeSpan.FromMilliseconds(2), $"{large} vs {small}");
    }

    private static async Task<TimeSpan> MeasureAsync(IDeliveryStore store, string endpoint, int backlog, Func<IDeliveryStore, string, int, Task> fill)
    {
        // The backlog is due in the future (mid-backoff), as in an endpoint that is down.
        await fill(store, endpoint, backlog);
        var now = DateTimeOffset.UtcNow;
        var samples = new List<TimeSpan>();
        for (var i = 0; i < 200; i++)
        {
            var message = new OutboundMessage($"m_{endpoint}_{i}", "t", "checkout.completed", now, "{}");
            await store.SaveMessageAsync(message, null, TimeSpan.FromHours(24));
            var started = Stopwatch.GetTimestamp();
            await store.EnqueueAsync(endpoint, $"d_{endpoint}_{i}", message, now);
            await store.ClaimDueAsync(endpoint, now, 4, now.AddMinutes(1));
            await store.NextDueAsync(endpoint);
            samples.Add(Stopwatch.GetElapsedTime(started));
        }

        return samples.Order().ElementAt(samples.Count / 2);
    }

    private static async Task FillMemoryAsync(IDeliveryStore store, string endpoint, int count)
    {
        var later = DateTimeOffset.UtcNow.AddHours(5);
        for (var i = 0; i < count; i++)
        {
            var message = new OutboundMessage($"b_{endpoint}_{i}", "t", "checkout.completed", later, "{}");
            await store.EnqueueAsync(endpoint, $"bd_{endpoint}_{i}", message, later);
        }
    }

    private static async Task FillPostgresAsync(string cs, string endpoint, int count)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO delivery_messages (id, tenant_id, event_type, body, created_at)
                SELECT 'b_' || @e || '_' || g, 't', 'checkout.completed', '{}', now() FROM generate_series(1, @n) g;
            INSERT INTO deliveries (id, endpoint_id, message_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
                SELECT 'bd_' || @e || '_' || g, @e, 'b_' || @e || '_' || g, 'checkout.completed', 1, 1, now() + interval '5 hours', now(), now()
                FROM generate_series(1, @n) g;
            ANALYZE deliveries;
            """, connection);
        command.Parameters.AddWithValue("e", endpoint);
        command.Parameters.AddWithValue("n", count);
        await command.ExecuteNonQueryAsync();
    }
}

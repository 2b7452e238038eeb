using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Signing;

namespace BetterData.Benchmarks.Scenarios;

/// <summary>
/// <c>deliver</c>: N events published through the API fan out to M endpoints on a local receiver; deliveries/s and
/// publish-to-receipt latency. Floor: the same N×M bodies, signed both ways, POSTed straight to the same receiver
/// with the same number of connections the platform may use (M × 4 in flight).
/// </summary>
public static class DeliverScenario
{
    private const string EventType = "subscription.updated";
    private const int InFlightPerEndpoint = 4;
    private const long WarmupSequence = 1_000_000_000_000;

    public static async Task<Report> RunAsync(BenchmarkOptions options)
    {
        var report = new Report("deliver", options.Mode);
        var events = options.Number("events", 20000);
        var floorSeconds = options.Number("floor-seconds", 10);
        var endpoints = options.Number("endpoints", 4);
        var total = events * endpoints;
        var timeout = TimeSpan.FromSeconds(options.Number("timeout", 300));
        var warmup = TimeSpan.FromSeconds(options.Number("warmup", 10));
        // Publishers: enough to reach our throughput, as the floor's connections reach its own. With PostgreSQL a publish
        // waits for its commit, and 32 publishers left 5-15 % of the CPU idle; 64 and 128 gave the same deliveries/s.
        var concurrency = options.Number("concurrency", 64);
        report.Notes.Add($"{events} events × {endpoints} endpoints = {total} deliveries; publishing with {concurrency} concurrent requests; "
            + $"floor with {endpoints * InFlightPerEndpoint} connections (the platform's in-flight limit per endpoint × endpoints) for {floorSeconds} s; "
            + $"both warmed up first (not counted): the floor for at least 2 s, ours by publishing for at least {warmup.TotalSeconds:F0} s, each until the JIT settles.");

        await using var receiver = await BenchReceiver.StartAsync();
        var floorWarmup = await Warmup.RunAsync((_, time) => FloorAsync(receiver, endpoints, time), TimeSpan.FromSeconds(2));
        receiver.Reset();
        var floor = await FloorAsync(receiver, endpoints, TimeSpan.FromSeconds(floorSeconds));
        report.Add("floor: signed HttpClient POSTs to the receiver", floor, "deliveries/s");
        receiver.Reset();

        await using var postgres = options.Postgres ? await PostgresServer.StartAsync() : null;
        var cs = postgres is null ? null : await postgres.CreateDatabaseAsync("bench_deliver");
        await using var target = await BenchTarget.StartAsync(cs, tenants: 1, connectShopify: false);
        var tenant = target.Tenants[0];
        for (var i = 0; i < endpoints; i++)
        {
            var created = await target.Admin.PostAsJsonAsync($"/api/tenants/{tenant}/endpoints",
                new { url = new Uri(receiver.Address, $"/hook/{i}").ToString(), eventTypes = new[] { EventType } });
            created.EnsureSuccessStatusCode();
        }

        using var http = LoadGenerator.CreateClient(target.Address, concurrency);
        // The tenant's own key, as a publisher in production holds: verifying it is a call to the tenant's grain.
        http.DefaultRequestHeaders.Authorization = new("Bearer", target.TenantKeys[tenant]);
        HttpRequestMessage Publish(long seq) => new(HttpMethod.Post, $"/api/tenants/{tenant}/events")
        {
            Content = JsonContent.Create(new { type = EventType, data = new { seq } }),
        };

        // Warm-up (tiered JIT, pools, activations) with sequence numbers the measured run does not use.
        var ourWarmup = await Warmup.RunAsync(async (round, time) =>
        {
            var warm = await LoadGenerator.RunAsync(http, seq => Publish(WarmupSequence + (round * Warmup.RoundStride) + seq), concurrency, time);
            await receiver.WaitForAsync((int)warm.Ok * endpoints, timeout);
            receiver.Reset();
        }, warmup);
        report.Notes.Add($"Warm-up: the floor {floorWarmup}; ours {ourWarmup}.");

        BenchmarkMain.Phase("BetterData publish");
        var publish = await LoadGenerator.RunAsync(http, Publish, concurrency, timeout, maxRequests: events);
        report.Add("BetterData: POST /api/tenants/{t}/events (publish)", publish);

        var expected = publish.Ok * endpoints;
        var arrived = await receiver.WaitForAsync(expected, timeout);
        var started = publish.Samples.Where(s => s.Ok).ToDictionary(s => s.Sequence, s => s.CompletedAt - s.LatencyTicks);
        var receipts = receiver.Receipts.GroupBy(r => (r.Endpoint, r.Sequence)).Select(g => g.OrderBy(r => r.At).First())
            .Where(r => started.ContainsKey(r.Sequence)).ToArray();
        var endToEnd = Percentiles.Of(receipts.Select(r => (r.At - started[r.Sequence]) * 1000.0 / Stopwatch.Frequency));
        var span = receipts.Length == 0 ? 1 : (receipts.Max(r => r.At) - started.Values.Min()) / (double)Stopwatch.Frequency;
        var rate = receipts.Length / span;
        report.Rows.Add(new ReportRow("BetterData: publish → receipt at the receiver", expected, receipts.Length, expected - receipts.Length,
            Math.Round(rate, 1), Math.Round(endToEnd.P50, 2), Math.Round(endToEnd.P99, 2), Math.Round(endToEnd.Max, 2), "deliveries/s",
            $"{receiver.Attempts} requests at the receiver, {receiver.Receipts.Count - receipts.Length} duplicates"));

        var ratio = floor.OkPerSecond > 0 ? rate / floor.OkPerSecond : 0;
        report.Check("ours / floor (deliveries/s)", ratio, "≥ 0.3", ratio >= 0.3);
        report.Check($"published events not delivered to every endpoint ({expected} expected, {arrived} delivered)", expected - arrived, "= 0",
            arrived >= expected, correctness: true);
        return report;
    }

    // Time-bound: a few thousand POSTs finish in under a second, too short for a stable rate.
    private static async Task<LoadResult> FloorAsync(BenchReceiver receiver, int endpoints, TimeSpan duration)
    {
        var secret = StandardWebhookSignature.NewSecret();
        HmacKey[] secrets = [new(StandardWebhookSignature.SecretBytes(secret))]; // reused keyed hashes, as the platform signs
        var connections = endpoints * InFlightPerEndpoint;
        using var http = LoadGenerator.CreateClient(receiver.Address, connections);
        return await LoadGenerator.RunAsync(http, seq =>
        {
            var id = "msg_floor_" + seq.ToString(CultureInfo.InvariantCulture);
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                id, type = EventType, timestamp = DateTimeOffset.UtcNow, tenantId = "floor", data = new { seq = seq / endpoints },
            });
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            var request = new HttpRequestMessage(HttpMethod.Post, $"/hook/{seq % endpoints}") { Content = content };
            request.Headers.Add(StandardWebhookSignature.IdHeader, id);
            request.Headers.Add(StandardWebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(StandardWebhookSignature.SignatureHeader, StandardWebhookSignature.Sign(id, timestamp, body, secrets));
            request.Headers.Add(BetterDataSignature.HeaderName, BetterDataSignature.Sign(timestamp, body, secrets));
            return request;
        }, connections, duration);
    }
}

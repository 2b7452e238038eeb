using System.Globalization;
using BetterData.Api.Tests.Infrastructure;
using Npgsql;

namespace BetterData.Benchmarks.Scenarios;

/// <summary>
/// <c>ingest</c>: signed Shopify <c>products/update</c> events, each with a unique event id, at fixed concurrency for
/// a fixed time, against the floor and then against us; then a run at half our rate for latency under load; then
/// every acknowledged event is checked in grain state (through the product API). Embedded, it also measures
/// <see cref="ActivationBoundServer"/> under the same traffic (skip with <c>--bound 0</c>).
/// </summary>
public static class IngestScenario
{
    public static async Task<Report> RunAsync(BenchmarkOptions options)
    {
        var report = new Report("ingest", options.Mode);
        var tenants = options.Number("tenants", 16);
        var pool = options.Number("products", 0);
        var duration = TimeSpan.FromSeconds(options.Seconds);
        var warmup = TimeSpan.FromSeconds(options.Number("warmup", 10));
        var shops = Enumerable.Range(0, tenants).Select(ShopifyTraffic.Shop).ToArray();
        report.Notes.Add($"{options.Concurrency} concurrent HTTP/1.1 connections, {options.Seconds} s per run after a warm-up of at least {warmup.TotalSeconds:F0} s that lasts until the JIT settles, "
            + $"{tenants} tenants (one Shopify shop each), {(pool > 0 ? $"a pool of {pool} products" : "a new product per event")}.");

        await using var postgres = options.Postgres ? await PostgresServer.StartAsync() : null;
        LoadResult floor;
        string floorWarmup;
        {
            // The same connection tuning as ours (no reset on close, auto-prepare), so the floor is not slowed by defaults we avoid.
            await using var floorDb = postgres is null ? null
                : NpgsqlDataSource.Create(BetterData.Grains.Hosting.ClusterSettings.Tune(await postgres.CreateDatabaseAsync("bench_floor")));
            await using var server = await FloorServer.StartAsync(ShopifyTraffic.Secret, floorDb);
            using var http = LoadGenerator.CreateClient(server.Address, options.Concurrency);
            var floorWarmTraffic = new ShopifyTraffic(shops, ShopifyTraffic.Secret, 9_000_000_000);
            floorWarmup = await Warmup.RunAsync(
                (round, time) => LoadGenerator.RunAsync(http, seq => floorWarmTraffic.Update((round * Warmup.RoundStride) + seq), options.Concurrency, time),
                warmup);
            BenchmarkMain.Phase("floor full load");
            floor = await LoadGenerator.RunAsync(http, new ShopifyTraffic(shops, ShopifyTraffic.Secret, 0).Update, options.Concurrency, duration);
            report.Add(postgres is null ? "floor: bare endpoint, HMAC check" : "floor: bare endpoint, HMAC check + one-row INSERT", floor);
        }

        // Embedded: also the bound any grain-per-product design pays under this traffic (see ActivationBoundServer).
        LoadResult? bound = null;
        LoadResult? boundHalf = null;
        if (postgres is null && options.Number("bound", 1) != 0)
        {
            await using (var server = await ActivationBoundServer.StartAsync(ShopifyTraffic.Secret))
            {
                using var http = LoadGenerator.CreateClient(server.Address, options.Concurrency);
                // With a pool, over the products the measured runs use (as our warm-up does); without, products of its own.
                var boundWarmTraffic = new ShopifyTraffic(shops, ShopifyTraffic.Secret, pool > 0 ? 0 : 7_000_000_000, pool);
                var boundWarmup = await Warmup.RunAsync(
                    (round, time) => LoadGenerator.RunAsync(http, seq => boundWarmTraffic.Update((round * Warmup.RoundStride) + seq), options.Concurrency, time),
                    warmup);
                report.Notes.Add($"Bound warm-up: {boundWarmup}.");
                BenchmarkMain.Phase("bound full load");
                bound = await LoadGenerator.RunAsync(http, new ShopifyTraffic(shops, ShopifyTraffic.Secret, pool > 0 ? 0 : 6_000_000_000, pool).Update,
                    options.Concurrency, duration);
                report.Add(pool > 0
                    ? "bound: HMAC check + the product's empty grain called (bare silo, no storage, no dashboard)"
                    : "bound: HMAC check + a new empty grain activated (bare silo, no storage, no dashboard)", bound);
                // The same half-load definition as ours (half its own closed-loop rate, open loop), for what its GC pauses do to p99.
                var boundRate = Math.Max(1, bound.OkPerSecond / 2);
                boundHalf = await LoadGenerator.RunAsync(http, new ShopifyTraffic(shops, ShopifyTraffic.Secret, pool > 0 ? 0 : 5_000_000_000, pool).Update,
                    Math.Max(options.Concurrency, 64), duration, ratePerSecond: boundRate);
                report.Add($"bound at half load ({boundRate.ToString("F0", CultureInfo.InvariantCulture)} req/s offered)", boundHalf);
            }

            // Its activations are garbage now; collect them before we are measured.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        var appDb = postgres is null ? null : await postgres.CreateDatabaseAsync("bench_app");
        await using var target = await BenchTarget.StartAsync(appDb, tenants);
        using (var http = LoadGenerator.CreateClient(target.Address, options.Concurrency))
        {
            // Warm-up: with a pool, over the same products as the measured runs (earlier updated_at, so it never makes
            // their events stale); without one, over products of its own.
            var warmTraffic = new ShopifyTraffic(shops, ShopifyTraffic.Secret, pool > 0 ? 0 : 8_000_000_000, pool, run: 0);
            var ourWarmup = await Warmup.RunAsync(
                (round, time) => LoadGenerator.RunAsync(http, seq => warmTraffic.Update((round * Warmup.RoundStride) + seq), options.Concurrency, time),
                warmup);
            report.Notes.Add($"Warm-up: the floor {floorWarmup}; ours {ourWarmup}.");
            var fullTraffic = new ShopifyTraffic(shops, ShopifyTraffic.Secret, 0, pool, run: 1);
            BenchmarkMain.Phase("BetterData full load");
            var full = await LoadGenerator.RunAsync(http, fullTraffic.Update, options.Concurrency, duration);
            BenchmarkMain.Phase("BetterData full load done");
            report.Add("BetterData: POST /webhooks/shopify", full);
            // Checked before the next run, which may update the same products.
            var (checkedFull, lostFull) = await target.CountLostAsync(fullTraffic, full.Samples);

            // Open loop at half our closed-loop rate; latency counts from when each request was due.
            var rate = Math.Max(1, full.OkPerSecond / 2);
            var halfTraffic = new ShopifyTraffic(shops, ShopifyTraffic.Secret, pool > 0 ? 0 : 1_000_000_000, pool, run: 2);
            var half = await LoadGenerator.RunAsync(http, halfTraffic.Update, Math.Max(options.Concurrency, 64), duration, ratePerSecond: rate);
            report.Add($"BetterData at half load ({rate.ToString("F0", CultureInfo.InvariantCulture)} req/s offered)", half);
            var (checkedHalf, lostHalf) = await target.CountLostAsync(halfTraffic, half.Samples);

            var ratio = floor.OkPerSecond > 0 ? full.OkPerSecond / floor.OkPerSecond : 0;
            var target_ = postgres is null ? 0.5 : 0.4;
            report.Check("ours / floor (req/s)", ratio, $"≥ {target_}", ratio >= target_);
            if (bound is not null && floor.OkPerSecond > 0)
            {
                var boundRatio = bound.OkPerSecond / floor.OkPerSecond;
                var name = pool > 0 ? "grain bound" : "activation bound";
                report.Check(pool > 0 ? "grain bound / floor (req/s): the most a grain per product allows"
                    : "activation bound / floor (req/s): the most a grain per new product allows", boundRatio, $"≥ {target_}", boundRatio >= target_);
                report.Check($"ours / {name} (req/s)", bound.OkPerSecond > 0 ? full.OkPerSecond / bound.OkPerSecond : 0, "—", true);
                report.Check($"{name}: p99 ack at half its load (ms)", boundHalf!.Latency.P99, "< 100", boundHalf.Latency.P99 < 100);
            }

            report.Check("p99 ack at half load (ms)", half.Latency.P99, "< 100", half.Latency.P99 < 100);
            report.Check($"acknowledged events lost ({full.Ok + half.Ok} acknowledged, {checkedFull + checkedHalf} products read)",
                lostFull + lostHalf, "= 0", lostFull + lostHalf == 0, correctness: true);
        }

        return report;
    }
}

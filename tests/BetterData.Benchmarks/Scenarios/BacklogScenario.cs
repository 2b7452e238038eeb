using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Events;

namespace BetterData.Benchmarks.Scenarios;

/// <summary>
/// <c>backlog</c>: the cost of publishing one more event to an endpoint that already has 10 vs 100,000 pending
/// deliveries (the endpoint is disabled, so nothing drains). Probes go through the HTTP API one at a time; the
/// backlog is filled through the tenant's events grain, in-process, to save time.
/// </summary>
public static class BacklogScenario
{
    private const string EventType = "subscription.updated";

    public static async Task<Report> RunAsync(BenchmarkOptions options)
    {
        var report = new Report("backlog", options.Mode);
        var pending = options.Number("pending", 100_000);
        var probes = options.Number("probe", 200);
        await using var postgres = options.Postgres ? await PostgresServer.StartAsync() : null;
        var cs = postgres is null ? null : await postgres.CreateDatabaseAsync("bench_backlog");
        await using var receiver = await BenchReceiver.StartAsync();
        await using var target = await BenchTarget.StartAsync(cs, tenants: 1, connectShopify: false);
        var tenant = target.Tenants[0];
        var created = await target.Admin.PostAsJsonAsync($"/api/tenants/{tenant}/endpoints",
            new { url = new Uri(receiver.Address, "/hook/0").ToString(), eventTypes = new[] { EventType } });
        created.EnsureSuccessStatusCode();
        var endpoint = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endpoint").GetProperty("id").GetString();
        (await target.Admin.PatchAsJsonAsync($"/api/tenants/{tenant}/endpoints/{endpoint}", new { enabled = false })).EnsureSuccessStatusCode();

        var events = target.Grains.GetGrain<ITenantEventsGrain>(tenant);
        await FillAsync(events, 10);
        using var http = LoadGenerator.CreateClient(target.Address, 1);
        http.DefaultRequestHeaders.Authorization = new("Bearer", target.TenantKeys[tenant]);
        HttpRequestMessage Probe(long seq) => new(HttpMethod.Post, $"/api/tenants/{tenant}/events")
        {
            Content = JsonContent.Create(new { type = EventType, data = new { seq } }),
        };

        await LoadGenerator.RunAsync(http, Probe, 1, TimeSpan.FromMinutes(5), maxRequests: 50);
        var small = await LoadGenerator.RunAsync(http, Probe, 1, TimeSpan.FromMinutes(5), maxRequests: probes);
        report.Add("publish with ~10 pending (one at a time)", small);

        var fill = Stopwatch.StartNew();
        await FillAsync(events, pending - 10 - probes - 50);
        report.Notes.Add($"Filled the backlog to {pending} pending deliveries in {fill.Elapsed.TotalSeconds:F1} s "
            + $"({(pending - 10 - probes - 50) / fill.Elapsed.TotalSeconds:F0} publishes/s through the events grain, in-process).");
        var large = await LoadGenerator.RunAsync(http, Probe, 1, TimeSpan.FromMinutes(5), maxRequests: probes);
        report.Add($"publish with ~{pending} pending (one at a time)", large);

        var ratio = small.Latency.P50 > 0 ? large.Latency.P50 / small.Latency.P50 : 0;
        report.Check($"p50 publish latency, {pending} pending / 10 pending", ratio, "≤ 1.5", ratio <= 1.5);
        report.Check("probes refused", small.Errors + large.Errors, "= 0", small.Errors + large.Errors == 0, correctness: true);
        return report;
    }

    private static async Task FillAsync(ITenantEventsGrain events, int count) =>
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
            await events.PublishAsync(new PublishRequest(EventType, $"{{\"fill\":{i}}}", null)));
}

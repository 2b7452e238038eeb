using System.Diagnostics;
using System.Net;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Benchmarks;
using Npgsql;
using Xunit.Abstractions;

namespace BetterData.Api.Tests.Faults;

/// <summary>
/// PostgreSQL stopped for 10 s under load: requests fail with 503 and <c>Retry-After</c> (never a 4xx that would make a
/// provider give up, nor a 500), nothing acknowledged is lost, and the service serves again by itself once the database
/// is back.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOutageTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Ingest_PostgresDownFor10Seconds_Fails503WithRetryAfter_LosesNothing_AndRecovers()
    {
        var connectionString = await postgres.NewDatabaseAsync();
        await using var cluster = await FaultCluster.StartAsync(connectionString, silos: 1, tenants: 8);
        var traffic = new ShopifyTraffic(Enumerable.Range(0, 8).Select(ShopifyTraffic.Shop).ToArray(), ShopifyTraffic.Secret, 0);
        using var http = LoadGenerator.CreateClient(cluster.Api.BaseAddress, 8, TimeSpan.FromSeconds(10));

        var load = LoadGenerator.RunAsync(http, traffic.Update, concurrency: 8, duration: TimeSpan.FromSeconds(40));
        await Task.Delay(TimeSpan.FromSeconds(5));
        await postgres.Server.StopAsync();
        var stoppedAt = Stopwatch.GetTimestamp();
        var answers = await ProbeAsync(cluster, TimeSpan.FromSeconds(10));
        await postgres.Server.RestartAsync();
        var restartedAt = Stopwatch.GetTimestamp();
        var result = await load;
        await cluster.WaitServingAsync(TimeSpan.FromSeconds(60));
        var (found, lost) = await IngestCheck.CountLostAsync(cluster.Api.BaseAddress, FaultCluster.AdminKey, cluster.Tenants, traffic, result.Samples);

        var during = result.Samples.Where(s => s.CompletedAt > stoppedAt && s.CompletedAt < restartedAt).ToArray();
        var recovered = result.Samples.Count(s => s.Ok && s.CompletedAt > restartedAt + 10 * Stopwatch.Frequency);
        output.WriteLine($"postgres outage: sent {result.Samples.Length}, acknowledged {result.Ok}, during the outage {during.Length} "
            + $"({during.Count(s => s.Ok)} acknowledged, statuses {Summary(during)}), acknowledged from 10 s after restart {recovered}, "
            + $"products checked {found}, lost {lost}; statuses {result.StatusSummary}");
        output.WriteLine($"probes during the outage: {string.Join(' ', answers.GroupBy(a => $"{a.Route}:{a.Status}/{a.Reason}").Select(g => $"{g.Key}:{g.Count()}"))}");
        foreach (var line in cluster.Api.Output.Split('\n').Where(l => l.Contains("answered 50", StringComparison.Ordinal)).Take(5))
        {
            output.WriteLine("api: " + line);
        }

        Assert.DoesNotContain(result.Samples, s => s.Status is >= 400 and < 500);
        Assert.DoesNotContain(during, s => s.Status == (int)HttpStatusCode.InternalServerError);
        Assert.Contains(during, s => s.Status == (int)HttpStatusCode.ServiceUnavailable);
        Assert.DoesNotContain(answers, a => a.Status == HttpStatusCode.InternalServerError);
        var unavailable = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToArray();
        Assert.Contains(unavailable, a => a.Route == "webhook");
        Assert.Contains(unavailable, a => a.Route == "management");
        var secrets = new NpgsqlConnectionStringBuilder(connectionString);
        Assert.All(unavailable, a =>
        {
            Assert.Equal("5", a.RetryAfter);
            Assert.Equal("application/problem+json", a.ContentType);
            Assert.Equal("storage_unavailable", a.Reason);
            Assert.Equal("Storage unavailable", a.Title);
            Assert.DoesNotContain("Exception", a.Body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Npgsql", a.Body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secrets.Database!, a.Body, StringComparison.Ordinal);
            Assert.DoesNotContain($":{secrets.Port}", a.Body, StringComparison.Ordinal);
            if (!string.IsNullOrEmpty(secrets.Password))
            {
                Assert.DoesNotContain(secrets.Password, a.Body, StringComparison.Ordinal);
            }
        });
        Assert.True(recovered > 0, "acknowledging again within 10 s of the restart, without intervention");
        Assert.Equal(0, lost);
    }

    /// <summary>
    /// While the database is down, reads every answer in full (the load generator keeps only statuses): a signed
    /// webhook for a product of its own, and a management read of a product never written, whose grain must load
    /// its state from the database.
    /// </summary>
    private static async Task<Answer[]> ProbeAsync(FaultCluster cluster, TimeSpan duration)
    {
        var answers = new List<Answer>();
        var traffic = new ShopifyTraffic([ShopifyTraffic.Shop(0)], ShopifyTraffic.Secret, offset: 1_000_000);
        using var webhooks = LoadGenerator.CreateClient(cluster.Api.BaseAddress, 1, TimeSpan.FromSeconds(5));
        using var management = cluster.Api.Client(FaultCluster.AdminKey);
        management.Timeout = TimeSpan.FromSeconds(5);
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        for (var n = 0L; Stopwatch.GetTimestamp() < until; n++)
        {
            using var webhook = traffic.Update(n);
            answers.Add(await AnswerAsync("webhook", webhooks, webhook));
            using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{cluster.Tenants[0]}/products/{2_000_000 + n}");
            answers.Add(await AnswerAsync("management", management, read));
            await Task.Delay(250);
        }

        return [.. answers];
    }

    private static async Task<Answer> AnswerAsync(string route, HttpClient http, HttpRequestMessage request)
    {
        try
        {
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            string? reason = null, title = null;
            if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            {
                using var json = JsonDocument.Parse(body);
                reason = json.RootElement.TryGetProperty("reason", out var r) ? r.GetString() : null;
                title = json.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
            }

            return new Answer(route, response.StatusCode, response.Headers.RetryAfter?.ToString(),
                response.Content.Headers.ContentType?.MediaType, reason, title, body);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new Answer(route, 0, null, null, ex.GetType().Name, null, "");
        }
    }

    private static string Summary(IEnumerable<Sample> samples) =>
        string.Join(' ', samples.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}"));

    private sealed record Answer(string Route, HttpStatusCode Status, string? RetryAfter, string? ContentType, string? Reason, string? Title, string Body);
}

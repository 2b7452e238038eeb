using System.Collections.Concurrent;
using System.Diagnostics;
using BetterData.Grains.Hosting;

namespace BetterData.Benchmarks;

/// <summary>
/// Fixed concurrency for a fixed time over one shared <see cref="HttpClient"/>. Closed loop by default (each worker
/// sends its next request when the last one answered); with a rate, request <c>i</c> is due at <c>start + i/rate</c>
/// and its latency counts from when it was due, so a stall is charged to every request it delayed (no coordinated
/// omission).
/// </summary>
public static class LoadGenerator
{
    /// <summary>
    /// One HTTP/1.1 client tuned for load: enough pooled connections for every worker, no proxy, no cookies. Its
    /// <c>System.Net.Http</c> metrics go to a meter nobody listens to: the load generator shares the process with the
    /// system under test, whose OpenTelemetry would otherwise record the generator's client metrics and charge them to
    /// us (a floor run before it starts pays nothing for them).
    /// </summary>
    public static HttpClient CreateClient(Uri baseAddress, int concurrency, TimeSpan? timeout = null) =>
        new(new SocketsHttpHandler
        {
            MeterFactory = UnobservedMeters.Instance,
            MaxConnectionsPerServer = Math.Max(concurrency, 1),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
        })
        {
            BaseAddress = baseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };

    public static async Task<LoadResult> RunAsync(HttpClient http, Func<long, HttpRequestMessage> request, int concurrency, TimeSpan duration,
        double? ratePerSecond = null, long? maxRequests = null, CancellationToken cancellationToken = default)
    {
        var samples = new ConcurrentBag<List<Sample>>();
        long next = -1;
        var cost = ProcessCost.Now();
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var mine = new List<Sample>(4096);
            samples.Add(mine);
            while (!cancellationToken.IsCancellationRequested)
            {
                var sequence = Interlocked.Increment(ref next);
                if (maxRequests is { } max && sequence >= max)
                {
                    break;
                }

                var due = ratePerSecond is { } rate ? started + (long)(sequence / rate * Stopwatch.Frequency) : Stopwatch.GetTimestamp();
                if (due >= stopAt || Stopwatch.GetTimestamp() >= stopAt)
                {
                    break;
                }

                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                mine.Add(await SendAsync(http, request, sequence, due, cancellationToken));
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new LoadResult(samples.SelectMany(s => s).OrderBy(s => s.Sequence).ToArray(), elapsed, ProcessCost.Now().Since(cost));
    }

    private static async Task<Sample> SendAsync(HttpClient http, Func<long, HttpRequestMessage> request, long sequence, long due, CancellationToken cancellationToken)
    {
        int status;
        try
        {
            using var message = request(sequence);
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            status = Sample.ConnectionError;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            status = Sample.Timeout;
        }

        var completed = Stopwatch.GetTimestamp();
        return new Sample(sequence, status, completed - due, completed);
    }
}

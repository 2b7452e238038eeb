using System.Collections.Concurrent;
using System.Diagnostics;
using BetterData.Grains.Hosting;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BetterData.Benchmarks;

/// <summary>
/// A local webhook receiver: <c>POST /hook/{endpoint}</c> records when <c>data.seq</c> arrived and answers 200, or
/// 503 while <see cref="Down"/>. It does not verify signatures: the delivery tests do; here it would only add cost.
/// </summary>
public sealed class BenchReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private int attempts;

    private BenchReceiver(WebApplication app) => this.app = app;

    public ConcurrentQueue<Receipt> Receipts { get; } = new();

    public Uri Address { get; private set; } = new("http://127.0.0.1");

    public bool Down { get; set; }

    /// <summary>Every request, answered 200 or 503.</summary>
    public int Attempts => attempts;

    public static async Task<BenchReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        // A customer's receiver is not ours to measure: while our host runs in this process its telemetry listens to
        // every meter named like Kestrel's and ASP.NET Core's, so the receiver's own meters get names no one observes
        // (as the load generator's HttpClient does), or our run would pay for recording the receiver's requests.
        builder.Services.AddSingleton<IMeterFactory>(UnobservedMeters.Instance);
        var app = builder.Build();
        var receiver = new BenchReceiver(app);
        app.MapPost("/hook/{endpoint:int}", async (int endpoint, HttpContext http) =>
        {
            Interlocked.Increment(ref receiver.attempts);
            if (receiver.Down)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            using var document = await JsonDocument.ParseAsync(http.Request.Body);
            var seq = document.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("seq", out var value) ? value.GetInt64() : -1;
            receiver.Receipts.Enqueue(new Receipt(endpoint, seq, Stopwatch.GetTimestamp()));
            return Results.Ok();
        });
        await app.StartAsync();
        receiver.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    public void Reset()
    {
        Receipts.Clear();
        Interlocked.Exchange(ref attempts, 0);
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> distinct (endpoint, seq) pairs arrived; returns how many did.</summary>
    public async Task<int> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var distinct = Receipts.Select(r => (r.Endpoint, r.Sequence)).Distinct().Count();
            if (distinct >= count || Stopwatch.GetTimestamp() > deadline)
            {
                return distinct;
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

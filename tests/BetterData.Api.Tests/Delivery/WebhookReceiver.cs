using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using BetterData.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BetterData.Api.Tests.Delivery;

/// <summary>
/// A real local HTTP receiver on Kestrel. It answers from a script (status, Retry-After, delay, or held until the test
/// releases it), then 200, and checks
/// every request's signatures with its own Standard Webhooks and t=,v1= verifiers, written here from the specs and not
/// sharing code with the platform's signer.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<Reply> script = new();

    private WebhookReceiver(WebApplication app) => this.app = app;

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The secrets the receiver accepts; a request passes if any one of its signatures matches any one of them.</summary>
    public List<string> Secrets { get; } = [];

    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = FreePort.Next();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app) { Url = $"http://127.0.0.1:{port}/hook" };
        app.MapPost("/hook", (Delegate)receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    public WebhookReceiver Then(int status, int times = 1, string? retryAfter = null, TimeSpan? delay = null, string? body = null)
    {
        for (var i = 0; i < times; i++)
        {
            script.Enqueue(new Reply(status, retryAfter, delay, body));
        }

        return this;
    }

    /// <summary>
    /// The next reply waits until <paramref name="release"/> completes (at most a minute, so a failed test cannot hang
    /// the receiver's shutdown): a send that stays in flight for exactly as long as the test needs, however slow the
    /// machine is.
    /// </summary>
    public WebhookReceiver ThenHeld(Task release, int status = 200)
    {
        script.Enqueue(new Reply(status, null, null, Release: release));
        return this;
    }

    public async Task<Received> WaitForAsync(int count, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (Requests.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} requests, got {Requests.Count}.");
            }

            await Task.Delay(20);
        }

        return Requests.ElementAt(count - 1);
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = context.Request.Headers;
        var reply = script.TryDequeue(out var next) ? next : new Reply(200, null, null);
        Requests.Enqueue(new Received(
            Encoding.UTF8.GetString(body),
            headers["webhook-id"].ToString(),
            headers["webhook-timestamp"].ToString(),
            headers["webhook-signature"].ToString(),
            VerifyStandard(headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(), headers["webhook-signature"].ToString(), body),
            VerifyBetterData(headers["x-betterdata-signature"].ToString(), body),
            headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        if (reply.Delay is { } delay)
        {
            await Task.Delay(delay);
        }

        if (reply.Release is { } release)
        {
            await Task.WhenAny(release, Task.Delay(TimeSpan.FromMinutes(1)));
        }

        if (reply.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = reply.RetryAfter;
        }

        return Results.Text(reply.Body ?? $"reply {reply.Status}", statusCode: reply.Status);
    }

    // Standard Webhooks: base64(HMAC-SHA256(key = base64-decoded secret after "whsec_", "{id}.{timestamp}.{body}")), one
    // "v1,<sig>" per space-separated entry.
    private bool VerifyStandard(string id, string timestamp, string header, byte[] body)
    {
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        var offered = header.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(e => e.StartsWith("v1,", StringComparison.Ordinal)).Select(e => e[3..]).ToList();
        return Secrets.Any(secret =>
        {
            var expected = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(secret["whsec_".Length..]), signed));
            return offered.Any(o => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(o), Encoding.ASCII.GetBytes(expected)));
        });
    }

    private bool VerifyBetterData(string header, byte[] body)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        var t = parts.FirstOrDefault(p => p[0] == "t")?[1];
        var offered = parts.Where(p => p[0] == "v1").Select(p => p[1]).ToList();
        return t is not null && Secrets.Any(secret =>
        {
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromBase64String(secret["whsec_".Length..]), Encoding.UTF8.GetBytes(t + ".").Concat(body).ToArray()));
            return offered.Contains(expected);
        });
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private sealed record Reply(int Status, string? RetryAfter, TimeSpan? Delay, string? Body = null, Task? Release = null);
}

public sealed record Received(
    string Body, string Id, string Timestamp, string Signature, bool StandardValid, bool BetterDataValid, IReadOnlyDictionary<string, string> Headers);

using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using BetterData.Grains.Hosting;
using BetterData.Grains.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Delivery;

/// <summary>
/// Sends one signed delivery (typed <see cref="HttpClient"/>) and turns whatever happens into an attempt record. It never
/// throws for receiver behaviour: status codes, timeouts, refused connections and SSRF refusals are all results.
/// </summary>
public sealed partial class WebhookSender(HttpClient http, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
{
    public const int ExcerptBytes = 4096;
    private const string UserAgent = "BetterData-Webhooks/1.0";

    private static readonly Counter<long> Attempts = BetterDataMetrics.Meter.CreateCounter<long>(
        "betterdata.delivery.attempts", description: "Outbound delivery attempts, by result.");

    private static readonly Histogram<double> Duration = BetterDataMetrics.Meter.CreateHistogram<double>(
        "betterdata.delivery.duration", unit: "ms", description: "Outbound delivery attempt duration.");

    public async Task<(DeliveryAttempt Attempt, TimeSpan? RetryAfter)> SendAsync(SendRequest request)
    {
        var now = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        if (options.Value.RequireHttps && request.Url.Scheme != Uri.UriSchemeHttps)
        {
            return (Finish(request, now, started, null, "https_required", null), null);
        }

        var timestamp = now.ToUnixTimeSeconds();
        var body = Encoding.UTF8.GetBytes(request.Body);
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        // Values we produce are valid by construction, so they skip the header parsers.
        message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        message.Headers.TryAddWithoutValidation(StandardWebhookSignature.IdHeader, request.MessageId);
        message.Headers.TryAddWithoutValidation(StandardWebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        message.Headers.TryAddWithoutValidation(StandardWebhookSignature.SignatureHeader, StandardWebhookSignature.Sign(request.MessageId, timestamp, body, request.Secrets));
        message.Headers.TryAddWithoutValidation(BetterDataSignature.HeaderName, BetterDataSignature.Sign(timestamp, body, request.Secrets));

        using var timeout = new CancellationTokenSource(options.Value.AttemptTimeout);
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var excerpt = await ReadExcerptAsync(response, timeout.Token);
            var code = (int)response.StatusCode;
            var success = code is >= 200 and < 300;
            TimeSpan? retryAfter = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                ? RetryAfter(response.Headers.RetryAfter, now)
                : null;
            return (Finish(request, now, started, code, success ? null : "http_status", excerpt), retryAfter);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (Finish(request, now, started, null, "timeout", null), null);
        }
        catch (HttpRequestException ex) when (Find<SsrfRefusedException>(ex) is not null)
        {
            LogRefused(logger, request.EndpointId, request.Url.Host);
            return (Finish(request, now, started, null, "ssrf_refused", null), null);
        }
        catch (HttpRequestException ex)
        {
            var kind = Find<SocketException>(ex) is not null || ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                ? "connection"
                : "protocol";
            return (Finish(request, now, started, null, kind, null), null);
        }
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) =>
        header?.Delta ?? (header?.Date is { } date ? date - now : null);

    // At most ExcerptBytes of the body, through a pooled buffer: a fresh 4 KiB array per attempt was the largest
    // single allocation of a delivery.
    private static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength == 0)
        {
            return null;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = ArrayPool<byte>.Shared.Rent(ExcerptBytes);
        try
        {
            var read = 0;
            while (read < ExcerptBytes && await stream.ReadAsync(buffer.AsMemory(read, ExcerptBytes - read), ct) is var n and > 0)
            {
                read += n;
            }

            return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static DeliveryAttempt Finish(SendRequest request, DateTimeOffset at, long started, int? status, string? error, string? excerpt)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        var result = new KeyValuePair<string, object?>("result", error ?? "success");
        Attempts.Add(1, result);
        Duration.Record(elapsed.TotalMilliseconds, result);
        return new DeliveryAttempt(at, request.Trigger, status, (long)elapsed.TotalMilliseconds, error, excerpt);
    }

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery for endpoint {EndpointId} to host {Host} refused: the address is not public and not in Delivery:AllowedNetworks")]
    private static partial void LogRefused(ILogger logger, string endpointId, string host);
}

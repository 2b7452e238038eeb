using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace BetterData.Api.Webhooks;

/// <summary>The one inbound pipeline: read raw body once → source verifies, parses, dedupes, calls its grain → answer.</summary>
public static partial class WebhookPipeline
{
    /// <summary>Providers send small JSON documents; anything larger is refused before it is read.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private const string JsonContentType = "application/json; charset=utf-8";

    // Acknowledgement bodies by result (accepted, duplicate, ignored), each serialized once.
    private static readonly ConcurrentDictionary<string, byte[]> Acknowledgements = new(StringComparer.Ordinal);

    public static RouteHandlerBuilder MapWebhookSource<TSource>(this IEndpointRouteBuilder app, string pattern)
        where TSource : IWebhookSource =>
        app.MapPost(pattern, (HttpContext http, TSource source, TimeProvider time, ILoggerFactory logs) =>
                HandleAsync(http, source, time, logs.CreateLogger("BetterData.Webhooks")))
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithTags("Webhooks");

    private static async Task<IResult> HandleAsync(HttpContext http, IWebhookSource source, TimeProvider time, ILogger logger)
    {
        var started = Stopwatch.GetTimestamp();
        var tag = new KeyValuePair<string, object?>("source", source.Name);
        WebhookMetrics.Received.Add(1, tag);
        var outcome = await ReadAndHandleAsync(http, source, time);
        WebhookMetrics.AckLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tag);
        if (outcome.Acknowledged)
        {
            WebhookMetrics.Verified.Add(1, tag, new("result", outcome.Result));
            LogAcknowledged(logger, source.Name, outcome.Result);
            var body = Acknowledgements.GetOrAdd(outcome.Result,
                result => JsonSerializer.SerializeToUtf8Bytes(new { received = true, result }, JsonSerializerOptions.Web));
            return Results.Bytes(body, JsonContentType);
        }

        WebhookMetrics.Rejected.Add(1, tag, new("reason", outcome.Result));
        LogRejected(logger, source.Name, outcome.StatusCode, outcome.Result);
        return Results.Problem(statusCode: outcome.StatusCode, title: Title(outcome), detail: outcome.Detail,
            extensions: new Dictionary<string, object?> { ["reason"] = outcome.Result });
    }

    private static async Task<WebhookOutcome> ReadAndHandleAsync(HttpContext http, IWebhookSource source, TimeProvider time)
    {
        var request = http.Request;
        if (request.ContentLength > MaxBodyBytes)
        {
            return WebhookOutcome.Rejected(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body exceeds {MaxBodyBytes} bytes.");
        }

        if (request.ContentType is { } contentType && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return WebhookOutcome.Rejected(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Webhook bodies are JSON.");
        }

        var body = await ReadBodyAsync(request, http.RequestAborted);
        if (body is null)
        {
            return WebhookOutcome.Rejected(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body exceeds {MaxBodyBytes} bytes.");
        }

        return await source.HandleAsync(new WebhookRequest(body, request.Headers, request, time.GetUtcNow()), http.RequestAborted);
    }

    // Reads at most MaxBodyBytes + 1, whatever Content-Length claimed (chunked bodies have none). With a length, the
    // body is read straight into an array of that size (one allocation per request; Kestrel ends the body there).
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length)
        {
            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact, cancellationToken);
            return exact;
        }

        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var buffer = new MemoryStream();
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static string Title(WebhookOutcome outcome) => outcome.StatusCode switch
    {
        StatusCodes.Status400BadRequest => "Invalid webhook",
        StatusCodes.Status403Forbidden => "Webhook not authenticated",
        StatusCodes.Status413PayloadTooLarge => "Webhook body too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        _ => "Webhook not processed",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook from {Source}: {Result}")]
    private static partial void LogAcknowledged(ILogger logger, string source, string result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook from {Source} refused with {Status}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string source, int status, string reason);
}

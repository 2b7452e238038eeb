using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Grains.Catalog;
using BetterData.Grains.Orders;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BetterData.Grains.Square;

/// <summary>
/// The two Square calls commerce sync needs (SearchCatalogObjects, RetrieveOrder), typed, with a per-attempt timeout
/// and retries with backoff on transient failures (Polly). Hand-written rather than the Square SDK: two endpoints,
/// a configurable base URL per connection, and no SDK pinned to an API version we would have to follow.
/// </summary>
public sealed class SquareApiClient
{
    private const string ApiVersion = "2025-10-16";
    private readonly HttpClient http;
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;

    public SquareApiClient(HttpClient http, IOptions<CommerceOptions> options)
    {
        this.http = http;
        var o = options.Value;
        pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(0, o.SquareRetries - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                OnRetry = args =>
                {
                    // The failed response is dropped for the next attempt: release its connection.
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddTimeout(o.SquareRequestTimeout)
            .Build();
    }

    public async Task<SquareCatalogChanges> SearchCatalogAsync(SquareApiTarget target, DateTimeOffset? beginTime, CancellationToken cancellationToken)
    {
        var products = new List<ProductSnapshot>();
        var deleted = new List<string>();
        DateTimeOffset? latest = null;
        string? cursor = null;
        do
        {
            var body = new Dictionary<string, object?>
            {
                ["object_types"] = new[] { "ITEM" },
                ["include_deleted_objects"] = true,
                ["include_related_objects"] = true,
            };
            if (beginTime is { } begin)
            {
                body["begin_time"] = begin.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            }

            if (cursor is not null)
            {
                body["cursor"] = cursor;
            }

            using var doc = await SendAsync(target, HttpMethod.Post, "v2/catalog/search", body, cancellationToken);
            SquareJson.ReadCatalogPage(doc.RootElement, products, deleted);
            latest = SquareJson.Time(doc.RootElement, "latest_time") ?? latest;
            cursor = SquareJson.Text(doc.RootElement, "cursor");
        }
        while (!string.IsNullOrEmpty(cursor));

        return new SquareCatalogChanges(products, deleted, latest);
    }

    /// <summary>The order, or null when Square does not know it (404).</summary>
    public async Task<OrderPlaced?> RetrieveOrderAsync(SquareApiTarget target, string orderId, CancellationToken cancellationToken)
    {
        using var doc = await SendAsync(target, HttpMethod.Get, "v2/orders/" + Uri.EscapeDataString(orderId), null, cancellationToken);
        return doc.RootElement.TryGetProperty("order", out var order) ? SquareJson.ReadOrder(order) : null;
    }

    private async Task<JsonDocument> SendAsync(SquareApiTarget target, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        var uri = new Uri(target.BaseUrl.AbsoluteUri.TrimEnd('/') + "/" + path);
        using var response = await pipeline.ExecuteAsync(async ct =>
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.Add("Square-Version", ApiVersion);
            if (target.AccessToken is { } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            return await http.SendAsync(request, ct);
        }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return JsonDocument.Parse("{}");
        }

        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
    }
}

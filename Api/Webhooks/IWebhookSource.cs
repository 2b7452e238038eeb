namespace BetterData.Api.Webhooks;

/// <summary>
/// One inbound provider. The shared pipeline (<see cref="WebhookPipeline"/>) reads the raw body once, enforces
/// the size limit and content type, times and counts the request; the source verifies (through a pure verifier
/// over the bytes), parses, dedupes through its grain, and says what happened. Adding a provider is adding one
/// source.
/// </summary>
public interface IWebhookSource
{
    /// <summary>Short name for routes, metrics and logs: <c>stripe</c>, <c>shopify</c>, …</summary>
    string Name { get; }

    Task<WebhookOutcome> HandleAsync(WebhookRequest request, CancellationToken cancellationToken);
}

/// <summary>The raw request as the provider signed it.</summary>
public sealed record WebhookRequest(byte[] Body, IHeaderDictionary Headers, HttpRequest Http, DateTimeOffset ReceivedAt)
{
    /// <summary>The URL the request was sent to, built on first use (only Square signs it, and then only as a fallback).</summary>
    public Uri Url => url ??= new Uri($"{Http.Scheme}://{Http.Host}{Http.PathBase}{Http.Path}{Http.QueryString}");

    private Uri? url;
}

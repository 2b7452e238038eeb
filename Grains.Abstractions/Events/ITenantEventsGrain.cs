namespace BetterData.Grains.Events;

/// <summary>
/// The one way an event leaves the platform (key: tenant id). The management API and every internal
/// producer (billing, commerce, demand signals, imports) publish through it; it stores the message,
/// fans it out to the tenant's matching endpoints and answers once that is durable. The same idempotency key
/// within 24 hours answers the first message again and creates no deliveries. An unknown event type
/// (<see cref="EventTypes.IsKnown"/>) throws <see cref="ArgumentException"/>.
/// </summary>
public interface ITenantEventsGrain : IGrainWithStringKey
{
    Task<PublishResult> PublishAsync(PublishRequest request);

    /// <summary>
    /// From the tenant's endpoint registry, before it changes its endpoints: publishing stops using and keeping the
    /// endpoint matches it caches until <see cref="EndpointsChangedAsync"/>.
    /// </summary>
    Task EndpointsChangingAsync();

    /// <summary>From the tenant's endpoint registry once a change is stored (or failed): matches are fetched again.</summary>
    Task EndpointsChangedAsync();
}

/// <summary>An event to publish. <paramref name="DataJson"/> is the JSON text of the event's <c>data</c>.</summary>
[GenerateSerializer, Immutable, Alias("publish-request")]
public sealed record PublishRequest(
    [property: Id(0)] string Type,
    [property: Id(1)] string DataJson,
    [property: Id(2)] string? IdempotencyKey);

[GenerateSerializer, Immutable, Alias("publish-result")]
public sealed record PublishResult(
    [property: Id(0)] string MessageId,
    [property: Id(1)] bool Duplicate,
    [property: Id(2)] int Deliveries);

namespace BetterData.Grains.Events;

/// <summary>
/// The one way an event leaves the platform (key: tenant id). The management API and every internal
/// producer (billing, commerce, demand signals, imports) publish through it; it stores the message,
/// fans it out to the tenant's matching endpoints and answers once that is durable. The same idempotency key
/// within 24 hours answers the first message again and creates no deliveries. An unknown event type
/// (<see cref="EventTypes.IsKnown"/>) throws <see cref="ArgumentException"/>. A tenant whose plan does not include
/// outbound webhooks gets <see cref="PublishResult.RefusedByPlan"/>, whoever publishes: nothing is stored or sent.
/// </summary>
public interface ITenantEventsGrain : IGrainWithStringKey
{
    Task<PublishResult> PublishAsync(PublishRequest request);

    /// <summary>
    /// From the tenant's endpoint registry or billing, before they change its endpoints or its plan: publishing stops
    /// using and keeping what it caches of them (endpoint matches, capabilities) until
    /// <see cref="PublishingRulesChangedAsync"/>.
    /// </summary>
    Task PublishingRulesChangingAsync();

    /// <summary>Once the change is stored (or failed): endpoint matches and capabilities are fetched again.</summary>
    Task PublishingRulesChangedAsync();
}

/// <summary>An event to publish. <paramref name="DataJson"/> is the JSON text of the event's <c>data</c>.</summary>
[GenerateSerializer, Immutable, Alias("publish-request")]
public sealed record PublishRequest(
    [property: Id(0)] string Type,
    [property: Id(1)] string DataJson,
    [property: Id(2)] string? IdempotencyKey);

/// <summary>
/// The stored message (or the earlier one with the same idempotency key). <see cref="RefusedByPlan"/> names the
/// tenant's plan when it does not include outbound webhooks: then nothing was stored and <see cref="MessageId"/> is empty.
/// </summary>
[GenerateSerializer, Immutable, Alias("publish-result")]
public sealed record PublishResult(
    [property: Id(0)] string MessageId,
    [property: Id(1)] bool Duplicate,
    [property: Id(2)] int Deliveries,
    [property: Id(3)] string? RefusedByPlan = null);

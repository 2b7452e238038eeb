namespace BetterData.Grains.Billing;

/// <summary>A verified Stripe event no tenant could be found for. <paramref name="Json"/> is the event as Stripe sent it.</summary>
[GenerateSerializer, Immutable, Alias("unmatched-stripe-event")]
public sealed record UnmatchedStripeEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Type,
    [property: Id(2)] string? CustomerId,
    [property: Id(3)] string? TenantHint,
    [property: Id(4)] string Reason,
    [property: Id(5)] DateTimeOffset ReceivedAt,
    [property: Id(6)] string Json);

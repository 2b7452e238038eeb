namespace BetterData.Grains.Billing;

/// <summary>
/// A verified Stripe billing event, reduced to what billing needs (Stripe.net types never cross Orleans).
/// Subscription fields are set for <c>customer.subscription.*</c>; invoice fields for <c>invoice.*</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("billing-event")]
public sealed record BillingEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset Created,
    [property: Id(3)] string? ApiVersion,
    [property: Id(4)] string? CustomerId,
    [property: Id(5)] string? SubscriptionId,
    [property: Id(6)] string? Status,
    [property: Id(7)] string? PriceId,
    [property: Id(8)] string? PriceLookupKey,
    [property: Id(9)] string? MetadataPlan,
    [property: Id(10)] DateTimeOffset? CurrentPeriodStart,
    [property: Id(11)] DateTimeOffset? CurrentPeriodEnd,
    [property: Id(12)] string? InvoiceId,
    [property: Id(13)] long? AttemptCount,
    [property: Id(14)] DateTimeOffset? NextPaymentAttempt,
    [property: Id(15)] long? Amount,
    [property: Id(16)] string? Currency);

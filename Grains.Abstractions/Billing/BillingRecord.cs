namespace BetterData.Grains.Billing;

/// <summary>A tenant's billing as Stripe last told it.</summary>
[GenerateSerializer, Immutable, Alias("billing-record")]
public sealed record BillingRecord(
    [property: Id(0)] string? CustomerId,
    [property: Id(1)] string? SubscriptionId,
    [property: Id(2)] string? Status,
    [property: Id(3)] string Plan,
    [property: Id(4)] DateTimeOffset? CurrentPeriodStart,
    [property: Id(5)] DateTimeOffset? CurrentPeriodEnd,
    [property: Id(6)] int CapabilitiesVersion,
    [property: Id(7)] string? LastEventId,
    [property: Id(8)] DateTimeOffset? LastEventCreated,
    [property: Id(9)] string? LastPaidInvoiceId,
    [property: Id(10)] DateTimeOffset? LastPaidAt,
    [property: Id(11)] string? LastFailedInvoiceId,
    [property: Id(12)] DateTimeOffset? LastFailedAt,
    [property: Id(13)] long? FailedAttemptCount,
    [property: Id(14)] DateTimeOffset? NextPaymentAttempt);

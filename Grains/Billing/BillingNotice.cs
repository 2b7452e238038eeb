namespace BetterData.Grains.Billing;

/// <summary>
/// A pending side effect of a billing event: an outbound event (<paramref name="Kind"/> = <c>publish</c>) or an ops
/// alert (<c>alert</c>). <paramref name="Key"/> is the Stripe event id, so a resend after a crash is deduplicated.
/// </summary>
[GenerateSerializer, Immutable, Alias("billing-notice")]
public sealed record BillingNotice(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Key,
    [property: Id(2)] string Type,
    [property: Id(3)] string Summary,
    [property: Id(4)] string DataJson,
    [property: Id(5)] DateTimeOffset At);

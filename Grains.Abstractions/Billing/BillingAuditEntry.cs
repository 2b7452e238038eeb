namespace BetterData.Grains.Billing;

/// <summary>One handled Stripe event. <paramref name="Sequence"/> orders entries within a tenant.</summary>
[GenerateSerializer, Immutable, Alias("billing-audit-entry")]
public sealed record BillingAuditEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string EventId,
    [property: Id(3)] string Type,
    [property: Id(4)] string Summary,
    [property: Id(5)] string PlanBefore,
    [property: Id(6)] string PlanAfter);

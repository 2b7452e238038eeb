namespace BetterData.Grains.Billing;

/// <summary>A page of audit entries, newest first; <paramref name="NextCursor"/> is null on the last page.</summary>
[GenerateSerializer, Immutable, Alias("billing-audit-page")]
public sealed record BillingAuditPage(
    [property: Id(0)] IReadOnlyList<BillingAuditEntry> Entries,
    [property: Id(1)] string? NextCursor);

namespace BetterData.Grains.Billing;

[GenerateSerializer, Alias("tenant-billing-state")]
public sealed class TenantBillingState
{
    /// <summary>Null until the first subscription event: the tenant is on the free plan.</summary>
    [Id(0)] public TenantCapabilitySnapshot? Capabilities { get; set; }
}

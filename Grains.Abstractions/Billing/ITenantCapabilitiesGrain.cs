namespace BetterData.Grains.Billing;

/// <summary>Read side of a tenant's entitlements (key: tenant id); implemented by the billing grain.</summary>
public interface ITenantCapabilitiesGrain : IGrainWithStringKey
{
    /// <summary>The current snapshot; a tenant without a subscription gets the <c>free</c> plan (version 0).</summary>
    Task<TenantCapabilitySnapshot> GetCapabilitiesAsync();
}

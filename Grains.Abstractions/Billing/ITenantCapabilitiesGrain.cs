using Orleans.Concurrency;

namespace BetterData.Grains.Billing;

/// <summary>Read side of a tenant's entitlements (key: tenant id); implemented by the billing grain.</summary>
public interface ITenantCapabilitiesGrain : IGrainWithStringKey
{
    /// <summary>
    /// The current snapshot; a tenant without a subscription gets the <c>free</c> plan (version 0). Interleaves with
    /// the billing grain's own turns (it reads one reference): billing publishes events while in a turn, and
    /// publishing reads the capabilities, so waiting for the turn would deadlock.
    /// </summary>
    [AlwaysInterleave]
    Task<TenantCapabilitySnapshot> GetCapabilitiesAsync();
}

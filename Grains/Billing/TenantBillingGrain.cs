using BetterData.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Billing;

/// <summary>A tenant's billing (key: tenant id): plan, capability snapshots.</summary>
public sealed class TenantBillingGrain(
    [PersistentState("billing", StorageNames.Default)] IPersistentState<TenantBillingState> state,
    IOptions<BillingOptions> options) : Grain, ITenantCapabilitiesGrain
{
    public Task<TenantCapabilitySnapshot> GetCapabilitiesAsync() =>
        Task.FromResult(state.State.Capabilities
            ?? options.Value.CapabilitiesOf(BillingOptions.FreePlan).ToSnapshot(0, BillingOptions.FreePlan, null, DateTimeOffset.UnixEpoch));
}

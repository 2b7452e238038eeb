using BetterData.Grains.Hosting;

namespace BetterData.Grains.Billing;

/// <summary>Stripe customer → tenant (key: Stripe customer id).</summary>
public sealed class StripeCustomerGrain(
    [PersistentState("stripe-customer", StorageNames.Default)] IPersistentState<StripeCustomerState> state) : Grain, IStripeCustomerGrain
{
    public Task<string?> GetTenantAsync() => Task.FromResult(state.State.TenantId);

    public async Task SetTenantAsync(string tenantId)
    {
        if (state.State.TenantId == tenantId)
        {
            return;
        }

        state.State.TenantId = tenantId;
        await state.WriteStateAsync();
    }
}

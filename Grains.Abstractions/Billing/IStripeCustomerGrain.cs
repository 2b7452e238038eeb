namespace BetterData.Grains.Billing;

/// <summary>
/// Which tenant a Stripe customer belongs to (key: Stripe customer id), so that events carrying only the
/// customer (invoices) reach the right tenant.
/// </summary>
public interface IStripeCustomerGrain : IGrainWithStringKey
{
    /// <summary>The tenant, or null when this customer is not known.</summary>
    Task<string?> GetTenantAsync();

    /// <summary>Remembers the customer's tenant (the latest assignment wins).</summary>
    Task SetTenantAsync(string tenantId);
}

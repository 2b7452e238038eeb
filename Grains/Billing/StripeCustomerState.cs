namespace BetterData.Grains.Billing;

[GenerateSerializer, Alias("stripe-customer-state")]
public sealed class StripeCustomerState
{
    [Id(0)] public string? TenantId { get; set; }
}

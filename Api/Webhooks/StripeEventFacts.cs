using BetterData.Grains.Billing;

namespace BetterData.Api.Webhooks;

/// <summary>A Stripe event read for billing, and the tenant its metadata names.</summary>
internal sealed record StripeEventFacts(BillingEvent Event, string? TenantHint);

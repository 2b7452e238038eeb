namespace BetterData.Api.Webhooks;

/// <summary>What processing a Stripe event did, and for which tenant (null when unmatched or not handled).</summary>
internal sealed record StripeDispatch(WebhookOutcome Outcome, string? TenantId);

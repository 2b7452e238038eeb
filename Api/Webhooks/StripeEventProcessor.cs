using BetterData.Grains.Billing;
using BetterData.Grains.Tenants;

namespace BetterData.Api.Webhooks;

/// <summary>
/// Routes a verified Stripe event to its tenant's billing grain: the tenant is the subscription's (or customer's)
/// <c>metadata.tenant_id</c>, else the tenant remembered for the customer. An event for no known tenant is kept in
/// the unmatched list for an admin to replay. Shared by the webhook and the admin replay.
/// </summary>
public sealed partial class StripeEventProcessor(IGrainFactory grains, ILogger<StripeEventProcessor> logger)
{
    internal async Task<StripeDispatch> ProcessAsync(StripeEventFacts facts, string json, DateTimeOffset receivedAt, string? tenantOverride)
    {
        var billingEvent = facts.Event;
        var isBilling = BillingEventTypes.IsHandled(billingEvent.Type);
        var isCustomer = billingEvent.Type is "customer.created" or "customer.updated";
        if (!isBilling && !isCustomer)
        {
            LogUnhandled(logger, billingEvent.Type, billingEvent.EventId);
            return new(WebhookOutcome.Ignored($"Event type '{billingEvent.Type}' is not handled."), null);
        }

        var tenant = await ResolveTenantAsync(tenantOverride ?? facts.TenantHint, billingEvent.CustomerId);
        if (tenant is null)
        {
            var reason = facts.TenantHint is { } hint
                ? $"Tenant '{hint}' named in metadata does not exist."
                : "No metadata.tenant_id and the customer is not known.";
            if (tenantOverride is null)
            {
                await grains.GetGrain<IStripeUnmatchedEventsGrain>(IStripeUnmatchedEventsGrain.Key).AddAsync(new UnmatchedStripeEvent(
                    billingEvent.EventId, billingEvent.Type, billingEvent.CustomerId, facts.TenantHint, reason, receivedAt, json));
            }

            LogUnmatched(logger, billingEvent.Type, billingEvent.EventId);
            return new(WebhookOutcome.Ignored("unmatched: " + reason), null);
        }

        if (isCustomer)
        {
            if (billingEvent.CustomerId is { } customer)
            {
                await grains.GetGrain<IStripeCustomerGrain>(customer).SetTenantAsync(tenant);
            }

            return new(WebhookOutcome.Accepted("customer linked to tenant"), tenant);
        }

        var result = await grains.GetGrain<ITenantBillingGrain>(tenant).HandleEventAsync(billingEvent);
        return new(result switch
        {
            BillingEventResult.Duplicate => WebhookOutcome.Duplicate(),
            BillingEventResult.Stale => WebhookOutcome.Accepted("stale: newer state kept"),
            _ => WebhookOutcome.Accepted(),
        }, tenant);
    }

    private async Task<string?> ResolveTenantAsync(string? named, string? customerId)
    {
        if (named is not null && await grains.GetGrain<ITenantGrain>(named).GetAsync() is not null)
        {
            return named;
        }

        return customerId is null ? null : await grains.GetGrain<IStripeCustomerGrain>(customerId).GetTenantAsync();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stripe event {EventId} of type {EventType} is not handled")]
    private static partial void LogUnhandled(ILogger logger, string eventType, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event {EventId} ({EventType}) matches no tenant; kept for replay")]
    private static partial void LogUnmatched(ILogger logger, string eventType, string eventId);
}

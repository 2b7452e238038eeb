namespace BetterData.Grains.Billing;

/// <summary>The Stripe event types billing handles.</summary>
public static class BillingEventTypes
{
    public const string SubscriptionCreated = "customer.subscription.created";
    public const string SubscriptionUpdated = "customer.subscription.updated";
    public const string SubscriptionDeleted = "customer.subscription.deleted";
    public const string InvoicePaid = "invoice.paid";
    public const string InvoicePaymentFailed = "invoice.payment_failed";

    public static bool IsSubscription(string type) =>
        type is SubscriptionCreated or SubscriptionUpdated or SubscriptionDeleted;

    public static bool IsHandled(string type) =>
        IsSubscription(type) || type is InvoicePaid or InvoicePaymentFailed;
}

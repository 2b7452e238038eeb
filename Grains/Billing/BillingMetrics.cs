using System.Diagnostics.Metrics;
using BetterData.Grains.Hosting;

namespace BetterData.Grains.Billing;

internal static class BillingMetrics
{
    public static readonly Counter<long> Events = BetterDataMetrics.Meter.CreateCounter<long>(
        "betterdata.billing.events", description: "Stripe billing events handled by tenant billing, by type and result.");

    public static readonly Counter<long> PaymentFailures = BetterDataMetrics.Meter.CreateCounter<long>(
        "betterdata.billing.payment_failures", description: "invoice.payment_failed events applied.");
}

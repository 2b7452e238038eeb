using System.Diagnostics.Metrics;
using BetterData.Grains.Hosting;

namespace BetterData.Api.Webhooks;

internal static class WebhookMetrics
{
    public static readonly Counter<long> Received = BetterDataMetrics.Meter.CreateCounter<long>(
        "betterdata.webhooks.received", description: "Inbound webhook requests, by source.");

    public static readonly Counter<long> Verified = BetterDataMetrics.Meter.CreateCounter<long>(
        "betterdata.webhooks.verified", description: "Inbound webhooks acknowledged (accepted, duplicate or ignored), by source and result.");

    public static readonly Counter<long> Rejected = BetterDataMetrics.Meter.CreateCounter<long>(
        "betterdata.webhooks.rejected", description: "Inbound webhooks refused, by source and reason.");

    public static readonly Histogram<double> AckLatency = BetterDataMetrics.Meter.CreateHistogram<double>(
        "betterdata.webhooks.ack_latency", unit: "ms", description: "Time from request start to the answer, by source.");
}

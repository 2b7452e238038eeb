using System.Diagnostics.Metrics;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.Logging;

namespace BetterData.Grains.Events;

/// <summary>Logs and counts each alert; the signed POST to the ops URL is added by the outbound-delivery work.</summary>
public sealed partial class OpsAlertsGrain(ILogger<OpsAlertsGrain> logger) : Grain, IOpsAlertsGrain
{
    private static readonly Counter<long> Raised = BetterDataMetrics.Meter.CreateCounter<long>(
        "betterdata.alerts.raised", description: "Operations alerts raised, by kind.");

    public Task RaiseAsync(OpsAlert alert)
    {
        Raised.Add(1, new KeyValuePair<string, object?>("kind", alert.Kind));
        LogAlert(logger, alert.Kind, alert.TenantId, alert.Summary);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "OPS ALERT {Kind} (tenant {TenantId}): {Summary}")]
    private static partial void LogAlert(ILogger logger, string kind, string? tenantId, string summary);
}

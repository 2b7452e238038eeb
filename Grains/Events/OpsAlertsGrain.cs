using System.Diagnostics.Metrics;
using System.Text.Json;
using BetterData.Grains.Delivery;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Events;

/// <summary>
/// Logs and counts each alert, and when <c>Alerts:WebhookUrl</c> is set publishes it as an <c>ops.alert</c> event of the
/// platform tenant, whose managed endpoint is that URL: the same signing, retries and delivery log as customers get.
/// </summary>
public sealed partial class OpsAlertsGrain(IOptions<AlertOptions> options, ILogger<OpsAlertsGrain> logger) : Grain, IOpsAlertsGrain
{
    /// <summary>The pseudo-tenant that owns platform-managed endpoints.</summary>
    public const string PlatformTenant = "_platform";

    private static readonly Counter<long> Raised = BetterDataMetrics.Meter.CreateCounter<long>(
        "betterdata.alerts.raised", description: "Operations alerts raised, by kind.");

    private string? configuredFor;

    public async Task RaiseAsync(OpsAlert alert)
    {
        Raised.Add(1, new KeyValuePair<string, object?>("kind", alert.Kind));
        LogAlert(logger, alert.Kind, alert.TenantId, alert.Summary);
        if (options.Value.WebhookUrl is not { Length: > 0 } url)
        {
            return;
        }

        if (configuredFor != url)
        {
            await GrainFactory.GetGrain<IEndpointRegistryGrain>(PlatformTenant)
                .SetManagedEndpointAsync("ops-alerts", url, [EventTypes.OpsAlert], options.Value.Secret);
            configuredFor = url;
        }

        var data = JsonSerializer.Serialize(new { kind = alert.Kind, tenantId = alert.TenantId, summary = alert.Summary, raisedAt = alert.RaisedAt, data = JsonDocument.Parse(alert.DataJson).RootElement });
        await GrainFactory.GetGrain<ITenantEventsGrain>(PlatformTenant).PublishAsync(new PublishRequest(EventTypes.OpsAlert, data, null));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "OPS ALERT {Kind} (tenant {TenantId}): {Summary}")]
    private static partial void LogAlert(ILogger logger, string kind, string? tenantId, string summary);
}

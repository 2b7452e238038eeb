using System.Diagnostics.Metrics;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BetterData.Grains.Delivery;

/// <summary>
/// Delivery instruments beyond the per-attempt ones: retries scheduled, endpoints disabled, and the backlog
/// (pending / retrying deliveries). The backlog is cluster-wide, read from the store every 30 s, so every silo
/// reports the same number: aggregate it with max, not sum.
/// </summary>
internal sealed partial class DeliveryMetrics(IDeliveryStore store, TimeProvider time, ILogger<DeliveryMetrics> logger) : BackgroundService
{
    public static readonly Counter<long> RetriesScheduled = BetterDataMetrics.Meter.CreateCounter<long>(
        "betterdata.delivery.retries_scheduled", description: "Failed attempts that were given another try.");

    public static readonly Counter<long> EndpointsDisabled = BetterDataMetrics.Meter.CreateCounter<long>(
        "betterdata.delivery.endpoints_disabled", description: "Endpoints disabled automatically, by reason (gone, failing).");

    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(30);
    private long pending;
    private long retrying;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        BetterDataMetrics.Meter.CreateObservableGauge("betterdata.delivery.backlog", () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref pending), new KeyValuePair<string, object?>("status", "pending")),
            new Measurement<long>(Interlocked.Read(ref retrying), new KeyValuePair<string, object?>("status", "retrying")),
        }, description: "Deliveries not finished yet (cluster-wide), by status.");

        using var timer = new PeriodicTimer(RefreshPeriod, time);
        try
        {
            do
            {
                await RefreshAsync();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            var (p, r) = await store.CountUnfinishedAsync();
            Interlocked.Exchange(ref pending, p);
            Interlocked.Exchange(ref retrying, r);
        }
        catch (Exception ex)
        {
            LogRefreshFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivery backlog gauge could not be refreshed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}

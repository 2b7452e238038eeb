using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Delivery;

/// <summary>Deletes finished deliveries, their attempts and unreferenced messages older than <c>Delivery:Retention</c>.</summary>
internal sealed partial class DeliveryRetentionService(
    IDeliveryStore store, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<DeliveryRetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionSweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<int> SweepAsync()
    {
        try
        {
            var removed = await store.PurgeAsync(time.GetUtcNow() - options.Value.Retention);
            LogPurged(logger, removed);
            return removed;
        }
        catch (Exception ex)
        {
            LogPurgeFailed(logger, ex);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery retention removed {Count} finished deliveries")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery retention sweep failed; it runs again at the next interval")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}

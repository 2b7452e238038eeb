using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Catalog;

/// <summary>Forgets processed provider event ids older than <c>Commerce:RecentEventIdWindow</c> (longer than any provider retries).</summary>
internal sealed partial class InboundEventRetentionService(
    IInboundEventLog log, IOptions<CommerceOptions> options, TimeProvider time, ILogger<InboundEventRetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionSweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    LogPurged(logger, await log.PurgeAsync(time.GetUtcNow() - options.Value.RecentEventIdWindow));
                }
                catch (Exception ex)
                {
                    LogPurgeFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound event retention forgot {Count} processed event ids")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound event retention sweep failed; it runs again at the next interval")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BetterData.Grains.Hosting;

/// <summary>
/// Deletes rows older than a retention period on a timer (the injected clock's), logging what it removed; a failed
/// sweep is logged and tried again at the next interval.
/// </summary>
public abstract partial class RetentionSweep(TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>What is swept, for the log (e.g. "finished deliveries").</summary>
    protected abstract string What { get; }

    protected abstract TimeSpan Interval { get; }

    protected abstract TimeSpan Retention { get; }

    /// <summary>Deletes what is older than the cutoff; returns how many rows went.</summary>
    protected abstract Task<int> PurgeAsync(DateTimeOffset cutoff);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
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
            var removed = await PurgeAsync(time.GetUtcNow() - Retention);
            LogPurged(logger, What, removed);
            return removed;
        }
        catch (Exception ex)
        {
            LogPurgeFailed(logger, ex, What);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention removed {Count} {What}")]
    private static partial void LogPurged(ILogger logger, string what, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention sweep of {What} failed; it runs again at the next interval")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception, string what);
}

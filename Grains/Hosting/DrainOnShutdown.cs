using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BetterData.Grains.Hosting;

/// <summary>
/// On SIGTERM, readiness turns false at once (<see cref="ShutdownHealthCheck"/>); this service then keeps the
/// server accepting for <c>Shutdown:DrainDelay</c> so load balancers stop routing here before Kestrel closes its
/// listeners. <see cref="IHostedLifecycleService.StoppingAsync"/> runs before any service's StopAsync, so the
/// delay comes first; then Kestrel finishes in-flight requests, then the silo leaves the cluster cleanly.
/// </summary>
internal sealed partial class DrainOnShutdown(IConfiguration configuration, TimeProvider time, ILogger<DrainOnShutdown> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var delay = configuration.GetValue("Shutdown:DrainDelay", TimeSpan.FromSeconds(5));
        LogDraining(logger, delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: stop now.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutdown requested: not ready; draining for {Seconds} s before closing listeners")]
    private static partial void LogDraining(ILogger logger, double seconds);
}

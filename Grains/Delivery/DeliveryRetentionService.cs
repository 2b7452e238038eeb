using BetterData.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Delivery;

/// <summary>Deletes finished deliveries, their attempts and unreferenced messages older than <c>Delivery:Retention</c>.</summary>
internal sealed class DeliveryRetentionService(
    IDeliveryStore store, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<DeliveryRetentionService> logger)
    : RetentionSweep(time, logger)
{
    protected override string What => "finished deliveries";

    protected override TimeSpan Interval => options.Value.RetentionSweepInterval;

    protected override TimeSpan Retention => options.Value.Retention;

    protected override Task<int> PurgeAsync(DateTimeOffset cutoff) => store.PurgeAsync(cutoff);
}

using BetterData.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Catalog;

/// <summary>Forgets processed provider event ids older than <c>Commerce:RecentEventIdWindow</c> (longer than any provider retries).</summary>
internal sealed class InboundEventRetentionService(
    IInboundEventLog log, IOptions<CommerceOptions> options, TimeProvider time, ILogger<InboundEventRetentionService> logger)
    : RetentionSweep(time, logger)
{
    protected override string What => "processed event ids";

    protected override TimeSpan Interval => options.Value.RetentionSweepInterval;

    protected override TimeSpan Retention => options.Value.RecentEventIdWindow;

    protected override Task<int> PurgeAsync(DateTimeOffset cutoff) => log.PurgeAsync(cutoff);
}

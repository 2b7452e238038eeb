using BetterData.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Catalog;

/// <summary>
/// Forgets processed provider event ids, and stock counts parked for a product that never came, older than
/// <c>Commerce:RecentEventIdWindow</c> (longer than any provider retries).
/// </summary>
internal sealed class InboundEventRetentionService(
    IInboundEventLog log, ICatalogStore catalog, IOptions<CommerceOptions> options, TimeProvider time, ILogger<InboundEventRetentionService> logger)
    : RetentionSweep(time, logger)
{
    protected override string What => "processed event ids and parked stock counts";

    protected override TimeSpan Interval => options.Value.RetentionSweepInterval;

    protected override TimeSpan Retention => options.Value.RecentEventIdWindow;

    protected override async Task<int> PurgeAsync(DateTimeOffset cutoff) => await log.PurgeAsync(cutoff) + await catalog.PurgeParkedAsync(cutoff);
}

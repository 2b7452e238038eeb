namespace BetterData.Grains.Imports;

/// <summary>Catalog imports (<c>Imports</c> section).</summary>
public sealed class ImportOptions
{
    /// <summary>Rows beyond this are not imported; the import ends partial (or failed) with a file-level error.</summary>
    public int MaxRows { get; set; } = 50_000;

    /// <summary>Rows upserted per grain turn; progress is written after each batch.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// Rows between checkpoints: the catalog index is updated and progress written every this many rows, so a restart
    /// redoes at most this many (idempotent) upserts, and the tenant-wide index is written a few times, not per batch.
    /// </summary>
    public int CheckpointRows { get; set; } = 5_000;

    /// <summary>Rejected rows kept for <c>GET .../imports/{id}</c> and the outbound event (the count is exact).</summary>
    public int MaxErrors { get; set; } = 100;

    /// <summary>The durable wake-up of an unfinished import after a restart (a reminder; Orleans' minimum is one minute).</summary>
    public TimeSpan ResumePeriod { get; set; } = TimeSpan.FromMinutes(1);
}

namespace BetterData.Grains.Imports;

/// <summary>Catalog imports (<c>Imports</c> section).</summary>
public sealed class ImportOptions
{
    /// <summary>Rows beyond this are not imported; the import ends partial (or failed) with a file-level error.</summary>
    public int MaxRows { get; set; } = 50_000;

    /// <summary>
    /// Rows of one product (its variants and their stock per location) beyond which the product is rejected: a
    /// product is one grain state, read and written whole.
    /// </summary>
    public int MaxRowsPerProduct { get; set; } = 1_000;

    /// <summary>Rows upserted per grain turn (whole products, so a batch may run over by one product's rows).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// Rows between checkpoints: progress is written every this many rows (each row's product and catalog row are
    /// written before), so a restart redoes at most this many (idempotent) upserts.
    /// </summary>
    public int CheckpointRows { get; set; } = 5_000;

    /// <summary>Rejected rows kept for <c>GET .../imports/{id}</c> and the outbound event (the count is exact).</summary>
    public int MaxErrors { get; set; } = 100;

    /// <summary>The durable wake-up of an unfinished import after a restart (a reminder; Orleans' minimum is one minute).</summary>
    public TimeSpan ResumePeriod { get; set; } = TimeSpan.FromMinutes(1);
}

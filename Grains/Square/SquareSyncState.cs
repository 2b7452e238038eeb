namespace BetterData.Grains.Square;

[GenerateSerializer, Alias("square-sync-state")]
public sealed class SquareSyncState
{
    /// <summary>Fetch id (the Square event id) → work not done yet. Bounded by Square's own event rate and the attempt limit.</summary>
    [Id(0)] public Dictionary<string, PendingSquareFetch> Pending { get; set; } = [];

    /// <summary>The <c>latest_time</c> of the last catalog search: the next search's <c>begin_time</c>.</summary>
    [Id(1)] public DateTimeOffset? CatalogSyncedUntil { get; set; }
}

[GenerateSerializer, Alias("pending-square-fetch")]
public sealed class PendingSquareFetch
{
    [Id(0)] public SquareFetch Fetch { get; set; } = null!;
    [Id(1)] public int Attempts { get; set; }
    [Id(2)] public string? LastError { get; set; }
}

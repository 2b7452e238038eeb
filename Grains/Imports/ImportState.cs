namespace BetterData.Grains.Imports;

[GenerateSerializer, Alias("import-state")]
public sealed class ImportState
{
    /// <summary>Null while the upload is arriving; then <see cref="ImportStatus"/>.</summary>
    [Id(0)] public string? Status { get; set; }
    [Id(1)] public ImportFormat Format { get; set; }
    [Id(2)] public int Chunks { get; set; }
    [Id(3)] public long Bytes { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Rows consumed so far (ok or rejected): where a resumed import continues.</summary>
    [Id(6)] public long RowsRead { get; set; }
    [Id(7)] public long RowsSucceeded { get; set; }
    [Id(8)] public long RowsFailed { get; set; }

    /// <summary>The first rejected rows, at most <see cref="ImportOptions.MaxErrors"/>.</summary>
    [Id(9)] public List<ImportRowError> Errors { get; set; } = [];

    /// <summary>Why the file could not be read (to the end).</summary>
    [Id(10)] public string? Error { get; set; }

    /// <summary>The outcome event is published and the upload dropped.</summary>
    [Id(11)] public bool Announced { get; set; }
}

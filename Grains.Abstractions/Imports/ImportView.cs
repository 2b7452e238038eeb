namespace BetterData.Grains.Imports;

/// <summary>
/// An import's status and counts. <paramref name="Errors"/> holds the first rejected rows (bounded);
/// <paramref name="Error"/> says why a file could not be read at all.
/// </summary>
[GenerateSerializer, Immutable, Alias("import-view")]
public sealed record ImportView(
    [property: Id(0)] string ImportId,
    [property: Id(1)] ImportFormat Format,
    [property: Id(2)] string Status,
    [property: Id(3)] long Bytes,
    [property: Id(4)] long RowsRead,
    [property: Id(5)] long RowsSucceeded,
    [property: Id(6)] long RowsFailed,
    [property: Id(7)] IReadOnlyList<ImportRowError> Errors,
    [property: Id(8)] string? Error,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset? FinishedAt);

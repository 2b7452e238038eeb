namespace BetterData.Grains.Imports;

/// <summary>A rejected row: its line (CSV: the physical line where the record starts; JSON: the element's 1-based index).</summary>
[GenerateSerializer, Immutable, Alias("import-row-error")]
public sealed record ImportRowError(
    [property: Id(0)] long Line,
    [property: Id(1)] string? Field,
    [property: Id(2)] string Message);

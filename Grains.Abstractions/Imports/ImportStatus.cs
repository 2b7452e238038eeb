namespace BetterData.Grains.Imports;

/// <summary>An import's status: <c>processing</c> until it ends <c>completed</c>, <c>partial</c> or <c>failed</c>.</summary>
public static class ImportStatus
{
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Partial = "partial";
    public const string Failed = "failed";
}

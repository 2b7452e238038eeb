namespace BetterData.Grains.Hosting;

/// <summary>
/// The grain storage provider every grain uses. Each grain class has its own state name, because the
/// ADO.NET row key does not include the grain type (two classes sharing a key and a state name would
/// share a row).
/// </summary>
public static class StorageNames
{
    public const string Default = "store";
}

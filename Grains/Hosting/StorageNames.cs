namespace BetterData.Grains.Hosting;

/// <summary>
/// The grain storage provider every grain uses. Each grain class has its own state name, because the
/// ADO.NET row key does not include the grain type (two classes sharing a key and a state name would
/// share a row).
/// </summary>
public static class StorageNames
{
    public const string Default = "store";

    /// <summary>
    /// Grains activated once per item of work (products): batched reads and writes in PostgreSQL mode
    /// (<see cref="BatchedGrainStorage"/>), Orleans' memory storage in embedded mode.
    /// </summary>
    public const string Products = "products";
}

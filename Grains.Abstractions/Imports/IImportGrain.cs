using Orleans.Concurrency;

namespace BetterData.Grains.Imports;

/// <summary>
/// One catalog import (key: <c>{tenant}/{importId}</c>). The upload arrives in chunks that are stored durably; once
/// started, rows are parsed as a stream and upserted in batches, progress is recorded after each batch, and a reminder
/// wakes the import after a restart so it finishes. Ends with <c>import.completed</c>, <c>import.partial</c> or
/// <c>import.failed</c>, published once.
/// </summary>
public interface IImportGrain : IGrainWithStringKey
{
    /// <summary>Stores chunk <paramref name="sequence"/> (0, 1, …) of the upload. Repeating a chunk overwrites it.</summary>
    Task AppendChunkAsync(int sequence, byte[] data);

    /// <summary>Marks the upload complete (<paramref name="chunks"/> chunks, <paramref name="bytes"/> bytes) and starts processing.</summary>
    Task<ImportView> StartAsync(ImportFormat format, int chunks, long bytes);

    Task<ImportView?> GetAsync();

    /// <summary>Processes the next batch and, unless finished, queues another call to itself.</summary>
    [OneWay]
    Task ContinueAsync();
}

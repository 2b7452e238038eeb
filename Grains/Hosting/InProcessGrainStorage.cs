using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Storage;

namespace BetterData.Grains.Hosting;

/// <summary>
/// Embedded mode's grain storage: serialized state in a dictionary of this process, nothing durable (like the rest of
/// embedded mode). Orleans' memory provider keeps state in storage grains, so every read and write of every grain is
/// one more grain call plus a deep copy; under ingest with a new product per event that was 13 % of the CPU (perf).
/// The contract is Orleans': the ETag is a version, a write or clear naming an outdated one fails with
/// <see cref="InconsistentStateException"/>, and the stored copy is bytes from Orleans' serializer, so the grain's
/// object is never shared. Written by hand: Orleans has no in-process provider without the grain hop.
/// </summary>
public sealed class InProcessGrainStorage(IGrainStorageSerializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string State, GrainId Grain), Stored> rows = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (rows.TryGetValue((stateName, grainId), out var stored))
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData(stored.Payload));
            grainState.ETag = stored.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var expected = Version(grainState.ETag);
        var next = new Stored(serializer.Serialize(grainState.State).ToArray(), expected + 1);
        var written = expected == 0
            ? rows.TryAdd(key, next)
            : rows.TryGetValue(key, out var current) && current.Version == expected && rows.TryUpdate(key, next, current);
        if (!written)
        {
            throw Outdated(stateName, grainId, grainState.ETag);
        }

        grainState.ETag = next.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var expected = Version(grainState.ETag);
        if (expected > 0 && !(rows.TryGetValue(key, out var current) && current.Version == expected
            && rows.TryRemove(new KeyValuePair<(string, GrainId), Stored>(key, current))))
        {
            throw Outdated(stateName, grainId, grainState.ETag);
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static long Version(string? etag) => etag is null ? 0 : long.Parse(etag, CultureInfo.InvariantCulture);

    private static InconsistentStateException Outdated(string stateName, GrainId grainId, string? etag) =>
        new($"{grainId} ({stateName}) was written by another activation since version {etag ?? "(none)"}.", etag ?? "", "");

    private sealed record Stored(byte[] Payload, long Version);
}

using System.Collections.Concurrent;

namespace BetterData.Grains.Imports;

/// <summary>Embedded mode: uploads live as long as the process (as does everything else there).</summary>
public sealed class InMemoryImportStore : IImportStore
{
    private readonly ConcurrentDictionary<(string, int), byte[]> chunks = new();

    public Task SaveChunkAsync(string importKey, int sequence, byte[] data)
    {
        chunks[(importKey, sequence)] = data;
        return Task.CompletedTask;
    }

    public Task<byte[]?> ReadChunkAsync(string importKey, int sequence) =>
        Task.FromResult(chunks.TryGetValue((importKey, sequence), out var data) ? data : null);

    public Task DeleteAsync(string importKey)
    {
        foreach (var key in chunks.Keys.Where(k => k.Item1 == importKey))
        {
            chunks.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }
}

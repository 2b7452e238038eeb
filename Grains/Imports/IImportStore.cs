namespace BetterData.Grains.Imports;

/// <summary>The raw uploads of imports, in chunks: PostgreSQL (<c>import_chunks</c>) when configured, memory otherwise.</summary>
public interface IImportStore
{
    Task SaveChunkAsync(string importKey, int sequence, byte[] data);

    /// <summary>Chunk <paramref name="sequence"/>, or null when there is none.</summary>
    Task<byte[]?> ReadChunkAsync(string importKey, int sequence);

    /// <summary>Drops the upload once the import has finished.</summary>
    Task DeleteAsync(string importKey);
}

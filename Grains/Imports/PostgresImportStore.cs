using Npgsql;

namespace BetterData.Grains.Imports;

/// <summary>Uploads as <c>bytea</c> chunk rows (deploy/sql/020-imports.sql), read back one chunk at a time.</summary>
public sealed class PostgresImportStore(NpgsqlDataSource dataSource) : IImportStore
{

    public async Task SaveChunkAsync(string importKey, int sequence, byte[] data)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO import_chunks (import_key, seq, data) VALUES (@k, @s, @d) ON CONFLICT (import_key, seq) DO UPDATE SET data = EXCLUDED.data");
        command.Parameters.AddWithValue("k", importKey);
        command.Parameters.AddWithValue("s", sequence);
        command.Parameters.AddWithValue("d", data);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<byte[]?> ReadChunkAsync(string importKey, int sequence)
    {
        await using var command = dataSource.CreateCommand("SELECT data FROM import_chunks WHERE import_key = @k AND seq = @s");
        command.Parameters.AddWithValue("k", importKey);
        command.Parameters.AddWithValue("s", sequence);
        return await command.ExecuteScalarAsync() as byte[];
    }

    public async Task DeleteAsync(string importKey)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM import_chunks WHERE import_key = @k");
        command.Parameters.AddWithValue("k", importKey);
        await command.ExecuteNonQueryAsync();
    }
}

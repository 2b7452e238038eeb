using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;
using static BetterData.Grains.Hosting.SqlArrays;

namespace BetterData.Grains.Hosting;

/// <summary>
/// Grain storage for grains activated once per item of work (a product per provider event), in the
/// <c>grain_state</c> table of <c>deploy/sql/040-grain-state.sql</c>. Orleans' ADO.NET provider makes one round trip
/// and one transaction per read and per write; under ingest load that was most of PostgreSQL mode's cost per event
/// (measured: README). Here the reads of all activations, and the writes of all grains, queued while the previous
/// statement ran go in one statement (<see cref="GroupCommit{T}"/>). The contract is Orleans': a write names the
/// version (ETag) it read and fails with <see cref="InconsistentStateException"/> if the row moved on (a second
/// activation wrote it), and a caller returns only after its write committed. Written by hand because Orleans has no
/// batching storage provider; the serializer is Orleans' own (<see cref="IGrainStorageSerializer"/>).
/// </summary>
public sealed class BatchedGrainStorage : IGrainStorage, IAsyncDisposable
{
    private readonly NpgsqlDataSource db;
    private readonly IGrainStorageSerializer serializer;
    private readonly TimeProvider time;
    private readonly GroupCommit<Read> reads;
    private readonly GroupCommit<Write> writes;

    public BatchedGrainStorage(NpgsqlDataSource db, IGrainStorageSerializer serializer, TimeProvider time)
    {
        this.db = db;
        this.serializer = serializer;
        this.time = time;
        reads = new GroupCommit<Read>(ReadAsync);
        writes = new GroupCommit<Write>(WriteAsync);
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var read = new Read(stateName, grainId.ToString());
        await reads.AddAsync(read);
        if (read.Payload is { } payload)
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData(payload));
            grainState.ETag = read.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var write = new Write(stateName, grainId.ToString(), Version(grainState.ETag), serializer.Serialize(grainState.State).ToArray());
        await writes.AddAsync(write);
        if (!write.Written)
        {
            throw new InconsistentStateException($"{grainId} ({stateName}) was written by another activation since version {write.Expected}.",
                write.Expected.ToString(CultureInfo.InvariantCulture), grainState.ETag ?? "");
        }

        grainState.ETag = (write.Expected + 1).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var expected = Version(grainState.ETag);
        if (expected > 0)
        {
            await using var command = db.CreateCommand("DELETE FROM grain_state WHERE state_name = $1 AND grain_id = $2 AND version = $3");
            command.Parameters.Add(new() { Value = stateName });
            command.Parameters.Add(new() { Value = grainId.ToString() });
            command.Parameters.Add(new() { Value = expected });
            if (await command.ExecuteNonQueryAsync() == 0)
            {
                throw new InconsistentStateException($"{grainId} ({stateName}) was written by another activation since version {expected}.",
                    grainState.ETag ?? "", "");
            }
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static long Version(string? etag) => etag is null ? 0 : long.Parse(etag, CultureInfo.InvariantCulture);

    // One lookup per state name by the primary key (in practice one per batch: products).
    private async Task ReadAsync(IReadOnlyList<Read> batch)
    {
        var found = new Dictionary<(string, string), (long Version, byte[] Payload)>();
        foreach (var group in batch.GroupBy(r => r.StateName, StringComparer.Ordinal))
        {
            await using var command = db.CreateCommand("SELECT grain_id, version, payload FROM grain_state WHERE state_name = $1 AND grain_id = ANY($2)");
            command.Parameters.Add(new() { Value = group.Key });
            command.Parameters.Add(Texts(group.Select(r => r.GrainId)));
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                found[(group.Key, reader.GetString(0))] = (reader.GetInt64(1), reader.GetFieldValue<byte[]>(2));
            }
        }

        foreach (var read in batch)
        {
            if (found.TryGetValue((read.StateName, read.GrainId), out var row))
            {
                (read.Version, read.Payload) = row;
            }
        }
    }

    // One statement: rows whose version is the one the writer read move to the next version; new rows (version 0
    // read) are inserted. A row written by another activation since is neither, and its writer gets a conflict. Two
    // writes of one grain in a batch can only come from two activations: the first is tried, the others conflict.
    private async Task WriteAsync(IReadOnlyList<Write> batch)
    {
        var seen = new HashSet<(string, string)>();
        var tried = batch.Where(w => seen.Add((w.StateName, w.GrainId))).ToList();
        await using var command = db.CreateCommand("""
            INSERT INTO grain_state (state_name, grain_id, version, payload, updated_at)
            SELECT state_name, grain_id, expected + 1, payload, $5
            FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[]) AS w(state_name, grain_id, expected, payload)
            ON CONFLICT (state_name, grain_id) DO UPDATE
                SET version = excluded.version, payload = excluded.payload, updated_at = excluded.updated_at
                WHERE grain_state.version = excluded.version - 1
            RETURNING state_name, grain_id
            """);
        command.Parameters.Add(Texts(tried.Select(w => w.StateName)));
        command.Parameters.Add(Texts(tried.Select(w => w.GrainId)));
        command.Parameters.Add(Values(NpgsqlDbType.Bigint, tried.Select(w => w.Expected)));
        command.Parameters.Add(Values(NpgsqlDbType.Bytea, tried.Select(w => w.Payload)));
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var written = new HashSet<(string, string)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                written.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var write in tried)
        {
            write.Written = written.Contains((write.StateName, write.GrainId));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await reads.DisposeAsync();
        await writes.DisposeAsync();
    }

    private sealed record Read(string StateName, string GrainId)
    {
        public long Version { get; set; }

        public byte[]? Payload { get; set; }
    }

    private sealed record Write(string StateName, string GrainId, long Expected, byte[] Payload)
    {
        public bool Written { get; set; }
    }
}

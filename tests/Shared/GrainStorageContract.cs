using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Xunit;

namespace BetterData.Tests.Shared;

/// <summary>
/// Orleans' grain storage contract, checked the same way for each of our providers (in-process and batched
/// PostgreSQL): the ETag is a version, a write or clear naming an outdated one fails with
/// <see cref="InconsistentStateException"/> and changes nothing, of racing writers of one version exactly one wins.
/// Linked into both test projects.
/// </summary>
public static class GrainStorageContract
{
    private const string StateName = "product";

    /// <summary>Written through <paramref name="storage"/>, read back through <paramref name="reader"/>.</summary>
    public static async Task WriteThenRead_ReturnsACopyOfTheStateAndItsVersion(IGrainStorage storage, IGrainStorage reader)
    {
        var id = GrainId.Create("product", "t1:p1");
        var state = new GrainState<List<string>>();
        await storage.ReadStateAsync(StateName, id, state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);

        state.State = ["a", "b"];
        await storage.WriteStateAsync(StateName, id, state);
        state.State.Add("c");
        await storage.WriteStateAsync(StateName, id, state);
        state.State.Add("not written");
        Assert.Equal("2", state.ETag);

        var read = new GrainState<List<string>>();
        await reader.ReadStateAsync(StateName, id, read);
        Assert.True(read.RecordExists);
        Assert.Equal("2", read.ETag);
        Assert.Equal(["a", "b", "c"], read.State);
    }

    public static async Task WriteWithAnOutdatedVersion_IsAConflict_AndChangesNothing(IGrainStorage storage)
    {
        var id = GrainId.Create("product", "t1:p2");
        var first = new GrainState<List<string>> { State = ["first"] };
        await storage.WriteStateAsync(StateName, id, first);

        // A second activation that read nothing (or version 1 after another write) must not overwrite.
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync(StateName, id, new GrainState<List<string>> { State = ["stale"] }));
        first.State = ["second"];
        await storage.WriteStateAsync(StateName, id, first);
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync(StateName, id, new GrainState<List<string>> { State = ["behind"], ETag = "1" }));

        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync(StateName, id, read);
        Assert.Equal(["second"], read.State);
        Assert.Equal("2", read.ETag);
    }

    /// <summary>Eight writers of version <paramref name="etag"/> of one grain at once: exactly one succeeds.</summary>
    public static async Task RacingWritersOfOneVersion_ExactlyOneWins(IGrainStorage storage, GrainId id, string? etag)
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await storage.WriteStateAsync(StateName, id, new GrainState<List<string>> { State = [$"writer {i}"], ETag = etag });
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));
        Assert.Single(outcomes, won => won);
    }

    /// <summary>Clear with an outdated version fails; with the current one the record is gone and writes start over.</summary>
    public static async Task Clear_WithAnOutdatedVersion_IsAConflict_WithTheCurrentOne_RemovesTheRecord(IGrainStorage storage)
    {
        var id = GrainId.Create("product", "t3:p1");
        var state = new GrainState<List<string>> { State = ["x"] };
        await storage.WriteStateAsync(StateName, id, state);
        await storage.WriteStateAsync(StateName, id, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.ClearStateAsync(StateName, id, new GrainState<List<string>> { ETag = "1" }));
        await storage.ClearStateAsync(StateName, id, state);
        Assert.False(state.RecordExists);

        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync(StateName, id, read);
        Assert.False(read.RecordExists);
        Assert.Empty(read.State!);
        await storage.WriteStateAsync(StateName, id, read);
        Assert.Equal("1", read.ETag);
    }
}

using BetterData.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace BetterData.Grains.Tests.Hosting;

/// <summary>Embedded mode's storage keeps Orleans' contract: versions as ETags, conflicts, clear, and a copy of its own.</summary>
public sealed class InProcessGrainStorageTests
{
    private const string StateName = "product";
    private readonly InProcessGrainStorage storage = new(new OrleansGrainStorageSerializer(
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>()));

    [Fact]
    public async Task WriteThenRead_ReturnsACopyOfTheStateAndItsVersion()
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
        await storage.ReadStateAsync(StateName, id, read);
        Assert.True(read.RecordExists);
        Assert.Equal("2", read.ETag);
        Assert.Equal(["a", "b", "c"], read.State);
    }

    [Fact]
    public async Task WriteWithAnOutdatedVersion_IsAConflict_AndChangesNothing()
    {
        var id = GrainId.Create("product", "t1:p2");
        var first = new GrainState<List<string>> { State = ["first"] };
        await storage.WriteStateAsync(StateName, id, first);

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

    [Fact]
    public async Task RacingWritersOfOneVersion_ExactlyOneWins()
    {
        var id = GrainId.Create("product", "t2:race");
        await storage.WriteStateAsync(StateName, id, new GrainState<List<string>> { State = ["base"] });
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await storage.WriteStateAsync(StateName, id, new GrainState<List<string>> { State = [$"w{i}"], ETag = "1" });
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));

        Assert.Single(outcomes, won => won);
    }

    [Fact]
    public async Task Clear_WithAnOutdatedVersion_IsAConflict_WithTheCurrentOne_RemovesTheRecord()
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
    }
}

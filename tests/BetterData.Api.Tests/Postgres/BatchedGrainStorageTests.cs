using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;

namespace BetterData.Api.Tests.Postgres;

/// <summary>The batched provider keeps Orleans' storage contract: versions as ETags, conflicts, clear, many grains at once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BatchedGrainStorageTests(PostgresFixture postgres)
{
    private const string StateName = "product";

    [Fact]
    public async Task WriteThenRead_InAFreshProvider_ReturnsTheStateAndItsVersion()
    {
        await using var store = await StartAsync();
        var storage = store.Storage;
        var id = GrainId.Create("product", "t1:p1");
        var state = new GrainState<List<string>>();
        await storage.ReadStateAsync(StateName, id, state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);

        state.State = ["a", "b"];
        await storage.WriteStateAsync(StateName, id, state);
        state.State.Add("c");
        await storage.WriteStateAsync(StateName, id, state);
        Assert.Equal("2", state.ETag);

        await using var other = new BatchedGrainStorage(store.Db, Serializer(store.Services), TimeProvider.System);
        var read = new GrainState<List<string>>();
        await other.ReadStateAsync(StateName, id, read);
        Assert.True(read.RecordExists);
        Assert.Equal("2", read.ETag);
        Assert.Equal(["a", "b", "c"], read.State);
    }

    [Fact]
    public async Task WriteWithAnOutdatedVersion_IsAConflict_AndChangesNothing()
    {
        await using var store = await StartAsync();
        var storage = store.Storage;
        var id = GrainId.Create("product", "t1:p2");
        var first = new GrainState<List<string>> { State = ["first"] };
        await storage.WriteStateAsync(StateName, id, first);

        // A second activation that read nothing (or version 1 after another write) must not overwrite.
        var stale = new GrainState<List<string>> { State = ["stale"] };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, id, stale));
        first.State = ["second"];
        await storage.WriteStateAsync(StateName, id, first);
        var behind = new GrainState<List<string>> { State = ["behind"], ETag = "1" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, id, behind));

        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync(StateName, id, read);
        Assert.Equal(["second"], read.State);
        Assert.Equal("2", read.ETag);
    }

    [Fact]
    public async Task ManyGrainsAtOnce_AllPersist_AndOfTwoRacingWritersOfOneGrainExactlyOneWins()
    {
        await using var store = await StartAsync();
        var storage = store.Storage;
        var ids = Enumerable.Range(0, 2_000).Select(i => GrainId.Create("product", $"t2:p{i}")).ToArray();
        await Task.WhenAll(ids.Select(id => storage.WriteStateAsync(StateName, id, new GrainState<List<string>> { State = [id.ToString()] })));

        var racing = GrainId.Create("product", "t2:race");
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await storage.WriteStateAsync(StateName, racing, new GrainState<List<string>> { State = [$"writer {i}"] });
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));
        Assert.Equal(1, outcomes.Count(won => won));

        var reads = ids.Select(_ => new GrainState<List<string>>()).ToArray();
        await Task.WhenAll(ids.Select((id, i) => storage.ReadStateAsync(StateName, id, reads[i])));
        Assert.All(ids.Zip(reads), pair => Assert.Equal([pair.First.ToString()], pair.Second.State));
        Assert.All(reads, r => Assert.Equal("1", r.ETag));
    }

    [Fact]
    public async Task Clear_RemovesTheRow_ButNotWithAnOutdatedVersion()
    {
        await using var store = await StartAsync();
        var storage = store.Storage;
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
        await storage.WriteStateAsync(StateName, id, read);
        Assert.Equal("1", read.ETag);
    }

    private async Task<Store> StartAsync()
    {
        var cs = await postgres.NewDatabaseAsync();
        await PostgresSchema.ApplyAsync(cs, NullLogger.Instance);
        var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var db = NpgsqlDataSource.Create(cs);
        return new Store(db, new BatchedGrainStorage(db, Serializer(services), TimeProvider.System), services);
    }

    private sealed record Store(NpgsqlDataSource Db, BatchedGrainStorage Storage, ServiceProvider Services) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Storage.DisposeAsync();
            await Db.DisposeAsync();
            await Services.DisposeAsync();
        }
    }

    private static OrleansGrainStorageSerializer Serializer(IServiceProvider services) =>
        new(services.GetRequiredService<Serializer>());
}

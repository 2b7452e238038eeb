using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Hosting;
using BetterData.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
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
        await using var other = new BatchedGrainStorage(store.Db, Serializer(store.Services), TimeProvider.System);
        await GrainStorageContract.WriteThenRead_ReturnsACopyOfTheStateAndItsVersion(store.Storage, other);
    }

    [Fact]
    public async Task WriteWithAnOutdatedVersion_IsAConflict_AndChangesNothing()
    {
        await using var store = await StartAsync();
        await GrainStorageContract.WriteWithAnOutdatedVersion_IsAConflict_AndChangesNothing(store.Storage);
    }

    [Fact]
    public async Task ManyGrainsAtOnce_AllPersist_AndOfTwoRacingWritersOfOneGrainExactlyOneWins()
    {
        await using var store = await StartAsync();
        var storage = store.Storage;
        var ids = Enumerable.Range(0, 2_000).Select(i => GrainId.Create("product", $"t2:p{i}")).ToArray();
        await Task.WhenAll(ids.Select(id => storage.WriteStateAsync(StateName, id, new GrainState<List<string>> { State = [id.ToString()] })));

        await GrainStorageContract.RacingWritersOfOneVersion_ExactlyOneWins(storage, GrainId.Create("product", "t2:race"), etag: null);

        var reads = ids.Select(_ => new GrainState<List<string>>()).ToArray();
        await Task.WhenAll(ids.Select((id, i) => storage.ReadStateAsync(StateName, id, reads[i])));
        Assert.All(ids.Zip(reads), pair => Assert.Equal([pair.First.ToString()], pair.Second.State));
        Assert.All(reads, r => Assert.Equal("1", r.ETag));
    }

    [Fact]
    public async Task Clear_RemovesTheRow_ButNotWithAnOutdatedVersion()
    {
        await using var store = await StartAsync();
        await GrainStorageContract.Clear_WithAnOutdatedVersion_IsAConflict_WithTheCurrentOne_RemovesTheRecord(store.Storage);
    }

    private async Task<Store> StartAsync()
    {
        var db = await postgres.NewSchemaDataSourceAsync();
        var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
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

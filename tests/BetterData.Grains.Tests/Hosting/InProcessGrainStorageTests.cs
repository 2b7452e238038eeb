using BetterData.Grains.Hosting;
using BetterData.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace BetterData.Grains.Tests.Hosting;

/// <summary>Embedded mode's storage keeps Orleans' contract: versions as ETags, conflicts, clear, and a copy of its own.</summary>
public sealed class InProcessGrainStorageTests
{
    private readonly InProcessGrainStorage storage = new(new OrleansGrainStorageSerializer(
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>()));

    [Fact]
    public Task WriteThenRead_ReturnsACopyOfTheStateAndItsVersion() =>
        GrainStorageContract.WriteThenRead_ReturnsACopyOfTheStateAndItsVersion(storage, storage);

    [Fact]
    public Task WriteWithAnOutdatedVersion_IsAConflict_AndChangesNothing() =>
        GrainStorageContract.WriteWithAnOutdatedVersion_IsAConflict_AndChangesNothing(storage);

    [Fact]
    public async Task RacingWritersOfOneVersion_ExactlyOneWins()
    {
        var id = GrainId.Create("product", "t2:race");
        await storage.WriteStateAsync("product", id, new GrainState<List<string>> { State = ["base"] });
        await GrainStorageContract.RacingWritersOfOneVersion_ExactlyOneWins(storage, id, etag: "1");
    }

    [Fact]
    public Task Clear_WithAnOutdatedVersion_IsAConflict_WithTheCurrentOne_RemovesTheRecord() =>
        GrainStorageContract.Clear_WithAnOutdatedVersion_IsAConflict_WithTheCurrentOne_RemovesTheRecord(storage);
}

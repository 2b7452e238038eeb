using BetterData.Grains.Catalog;
using BetterData.Tests.Shared;

namespace BetterData.Grains.Tests.Catalog;

/// <summary>Embedded mode's catalog store keeps the parked-stock contract.</summary>
public sealed class InMemoryParkedStockTests
{
    [Fact]
    public Task ParkClaimUnparkPurge() => ParkedStockContract.ParkClaimUnparkPurge(new InMemoryCatalogStore());

    [Fact]
    public Task ParkRacingAClaim_TheCountAlwaysReachesTheProduct() =>
        ParkedStockContract.ParkRacingAClaim_TheCountAlwaysReachesTheProduct(new InMemoryCatalogStore());
}

using BetterData.Grains.Catalog;
using Xunit;

namespace BetterData.Tests.Shared;

/// <summary>
/// The catalog store's parked stock counts, checked the same way for the in-memory and the PostgreSQL store: the newest
/// count per item and location wins, a product's row write returns only the counts for the items it claims, they stay
/// parked until unparked (a crash between the two loses nothing), and of a park racing a claim the count always reaches
/// the product one way or the other. Linked into both test projects.
/// </summary>
public static class ParkedStockContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    public static async Task ParkClaimUnparkPurge(ICatalogStore store)
    {
        await store.ParkAsync("t1", new InventoryChange("i1", "L1", 5, T0.AddMinutes(1)), T0);
        await store.ParkAsync("t1", new InventoryChange("i1", "L1", 9, T0), T0); // older: ignored
        await store.ParkAsync("t1", new InventoryChange("i1", "L2", 3, T0), T0);
        await store.ParkAsync("t1", new InventoryChange("i2", "L1", 4, T0), T0);
        await store.ParkAsync("t2", new InventoryChange("i1", "L1", 7, T0), T0);

        // The product claims i1 only: both its locations, newest count, nothing of i2 or of the other tenant.
        var parked = await store.UpsertAsync("t1", Entry("p1", "i1"), [], ["i1"]);
        Assert.Equal([("i1", "L1", 5), ("i1", "L2", 3)], Summary(parked));
        Assert.Equal(new VariantRef("p1", "v-i1"), await store.ResolveAsync("t1", "i1"));

        // Not unparked yet (as if the product crashed before applying): the next claim returns them again.
        Assert.Equal([("i1", "L1", 5), ("i1", "L2", 3)], Summary(await store.UpsertAsync("t1", Entry("p1", "i1"), [], ["i1"])));

        // A newer count parked after the read survives unparking the older one.
        await store.ParkAsync("t1", new InventoryChange("i1", "L2", 8, T0.AddMinutes(2)), T0);
        await store.UnparkAsync("t1", parked);
        Assert.Equal([("i1", "L2", 8)], Summary(await store.UpsertAsync("t1", Entry("p1", "i1"), [], ["i1"])));

        // A write that claims nothing reads nothing.
        Assert.Empty(await store.UpsertAsync("t1", Entry("p1", "i1"), [], []));

        // Retention forgets by the time a count was parked.
        await store.ParkAsync("t1", new InventoryChange("i3", "L1", 1, T0), T0.AddDays(5));
        Assert.Equal(3, await store.PurgeParkedAsync(T0.AddDays(1))); // t1 i1/L2 and i2/L1, t2 i1/L1
        Assert.Empty(await store.UpsertAsync("t2", Entry("p2", "i1"), [], ["i1"]));
        Assert.Equal([("i3", "L1", 1)], Summary(await store.UpsertAsync("t1", Entry("p3", "i3"), [], ["i3"])));
    }

    /// <summary>
    /// The inbox's side (resolve, park, resolve again) racing the product's first row write, for many items at once:
    /// every count is either returned to the product or found by the parker's second resolve. The parker starts after
    /// <paramref name="parkDelay"/> (to land inside a commit a test has slowed down).
    /// </summary>
    public static async Task ParkRacingAClaim_TheCountAlwaysReachesTheProduct(ICatalogStore store, int items = 400, TimeSpan parkDelay = default)
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, items).Select(async i =>
        {
            var item = $"r{i}";
            var change = new InventoryChange(item, "L1", i, T0);
            var park = Task.Run(async () =>
            {
                await Task.Delay(parkDelay);
                if (await store.ResolveAsync("race", item) is not null)
                {
                    return true;
                }

                await store.ParkAsync("race", change, T0);
                return await store.ResolveAsync("race", item) is not null;
            });
            var claim = Task.Run(() => store.UpsertAsync("race", Entry($"p{i}", item), [], [item]));
            var parkerApplies = await park;
            var claimed = (await claim).Any(c => c.InventoryItemId == item && c.Available == i);
            return parkerApplies || claimed;
        }));

        Assert.All(outcomes, Assert.True);
    }

    private static CatalogEntry Entry(string productId, string item) =>
        new(productId, "Title " + productId, [], 10m, "USD", 0, [new VariantSnapshot("v-" + item, null, item, 10m)]);

    private static List<(string, string, int)> Summary(IEnumerable<InventoryChange> parked) =>
        [.. parked.Select(c => (c.InventoryItemId, c.LocationId, c.Available)).OrderBy(c => c.InventoryItemId).ThenBy(c => c.LocationId)];
}

using BetterData.Grains.Events;
using BetterData.Grains.Catalog;
using BetterData.Grains.Orders;
using BetterData.Grains.Sessions;

namespace BetterData.Grains.Tests.Commerce;

[Collection(CommerceClusterCollection.Name)]
public sealed class CommerceEventsTests(CommerceClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PlaceOrder_Redelivered_PublishesAllocationSucceededOnce()
    {
        var tenant = NewTenant();
        await StockAsync(tenant, "p1", 5);
        var inbox = fixture.Grains.GetGrain<ICommerceInboxGrain>(tenant);
        var order = new OrderPlaced("o1", "shopify", null, [new OrderLine("p1", "p1-v", null, 2)], T0);

        Assert.Equal(ApplyResult.Applied, await inbox.PlaceOrderAsync("shopify:e1", order));
        Assert.Equal(ApplyResult.Duplicate, await inbox.PlaceOrderAsync("shopify:e1", order));
        Assert.Equal(ApplyResult.Applied, await inbox.PlaceOrderAsync("shopify:e2", order));

        Assert.Single(fixture.Recorder.Of(tenant, EventTypes.OrderAllocationSucceeded));
        Assert.Equal(3, (await Product(tenant, "p1").GetAsync())!.Available);
    }

    [Fact]
    public async Task PlaceOrder_LineCannotBeMet_PublishesFailedWithUnmetLines_AndReleasesTheRest()
    {
        var tenant = NewTenant();
        await StockAsync(tenant, "p1", 5);
        await StockAsync(tenant, "p2", 1);
        var order = new OrderPlaced("o2", "shopify", null, [new OrderLine("p1", "p1-v", null, 2), new OrderLine("p2", "p2-v", "P2", 3)], T0);

        await fixture.Grains.GetGrain<ICommerceInboxGrain>(tenant).PlaceOrderAsync("shopify:e3", order);

        var failed = Assert.Single(fixture.Recorder.Of(tenant, EventTypes.OrderAllocationFailed));
        Assert.Contains("\"P2\"", failed.DataJson, StringComparison.Ordinal);
        Assert.Empty(fixture.Recorder.Of(tenant, EventTypes.OrderAllocationSucceeded));
        Assert.Equal(5, (await Product(tenant, "p1").GetAsync())!.Available);
        Assert.Equal(0, (await Product(tenant, "p1").GetSalesAsync()).Sum(b => b.Units));
    }

    [Fact]
    public async Task StockToZero_PublishesOutOfStockOnce_AndAlertsOnlyInterestedActiveSessions()
    {
        var tenant = NewTenant();
        await StockAsync(tenant, "p1", 1);
        var interested = fixture.Grains.GetGrain<ISessionGrain>(tenant + "-s1");
        var elsewhere = fixture.Grains.GetGrain<ISessionGrain>(tenant + "-s2");
        await interested.StartAsync(tenant);
        await elsewhere.StartAsync(tenant);
        await interested.AddInterestsAsync(["p1"]);
        await elsewhere.AddInterestsAsync(["p9"]);
        await Product(tenant, "p1").RegisterInterestAsync(tenant + "-s1");
        await Product(tenant, "p1").RegisterInterestAsync(tenant + "-s2");

        await Product(tenant, "p1").SetStockAsync("p1-v", "L1", 0, T0.AddMinutes(1));
        await Product(tenant, "p1").SetStockAsync("p1-v", "L1", 0, T0.AddMinutes(2));

        Assert.Single(fixture.Recorder.Of(tenant, EventTypes.InventoryOutOfStock));
        Assert.Equal("p1", Assert.Single(await interested.GetAlertsAsync(0)).ProductId);
        Assert.Empty(await elsewhere.GetAlertsAsync(0));
    }

    [Fact]
    public async Task CheckoutCompleted_PublishesOnce_AndCompletesTheSession()
    {
        var tenant = NewTenant();
        var session = fixture.Grains.GetGrain<ISessionGrain>(tenant + "-s");
        await session.StartAsync(tenant);
        var inbox = fixture.Grains.GetGrain<ICommerceInboxGrain>(tenant);

        await inbox.CompleteCheckoutAsync("betterdata:evt1", tenant + "-s", "ord1");
        await inbox.CompleteCheckoutAsync("betterdata:evt1", tenant + "-s", "ord1");

        Assert.Single(fixture.Recorder.Of(tenant, EventTypes.CheckoutCompleted));
        Assert.Equal(SessionStatus.Completed, (await session.GetAsync())!.Status);
    }

    private static string NewTenant() => "t" + Guid.NewGuid().ToString("N")[..8];

    private IProductGrain Product(string tenant, string id) => fixture.Grains.GetGrain<IProductGrain>(CommerceKeys.Of(tenant, id));

    private async Task StockAsync(string tenant, string id, int units)
    {
        await Product(tenant, id).ApplySnapshotAsync(new ProductSnapshot(id, "Product " + id, null, 10m, "USD", [], "active", T0,
            [new VariantSnapshot(id + "-v", id.ToUpperInvariant(), id + "-item", 10m)]), null);
        await Product(tenant, id).SetStockAsync(id + "-v", "L1", units, T0);
    }
}

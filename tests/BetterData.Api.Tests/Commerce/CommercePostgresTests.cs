using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Catalog;
using BetterData.Grains.Hosting;
using BetterData.Grains.Orders;
using BetterData.Grains.Square;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace BetterData.Api.Tests.Commerce;

[Collection(PostgresCollection.Name)]
public sealed class CommercePostgresTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ProductsOrdersSessions_AndAPendingSquareFetch_SurviveProcessRestart()
    {
        var cs = await postgres.NewDatabaseAsync();
        await using var square = await FakeSquareApi.StartAsync();
        square.CatalogJson = SquareWebhookTests.Catalog;
        square.Up = false;
        string tenant;
        string session;
        HttpClient client;
        await using (var first = new BetterDataApp(postgres: cs))
        {
            var shop = await CommerceClient.CreateAsync(first, squareMerchant: SquareWebhookTests.Merchant, squareApi: square.BaseUrl.AbsoluteUri);
            tenant = shop.TenantId;
            await shop.ShopifyAsync("products/create", CommerceClient.Product(1, "Durable Desk", T0, (11, "DESK", 111)));
            await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 5, T0));
            session = await shop.StartSessionAsync("1");
            await shop.ShopifyAsync("orders/create", new
            {
                id = 900,
                created_at = T0.ToString("O"),
                line_items = new[] { new { product_id = 1, variant_id = 11, sku = "DESK", quantity = 2 } },
            }, eventId: "order-900");
            var accepted = await shop.SquareAsync("catalog.version.updated",
                new { @object = new { catalog_version = new { updated_at = "2026-11-01T12:00:00Z" } } }, SquareWebhookTests.Merchant);
            accepted.EnsureSuccessStatusCode();
            Assert.Equal(1, await first.Grains.GetGrain<ISquareSyncGrain>(tenant).GetPendingCountAsync());
            client = shop.Tenant;
        }

        square.Up = true;
        await using var second = new BetterDataApp(postgres: cs);
        var admin = second.Admin();

        var product = await admin.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/products/1");
        Assert.Equal(3, product.GetProperty("available").GetInt32());
        Assert.Equal("DESK", (await admin.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/products?q=desk")).GetProperty("data")[0].GetProperty("skus")[0].GetString());
        Assert.Equal("allocated", (await second.Grains.GetGrain<IOrderGrain>(CommerceKeys.Of(tenant, "900")).GetAsync())!.Status);
        Assert.Equal(("900", null), await new CommerceClient(second, admin, tenant).OrdersAsync());
        var view = await admin.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/sessions/{session}");
        Assert.Equal("1", view.GetProperty("interests")[0].GetString());

        // The dedupe window is durable: the order's redelivery is a duplicate.
        var again = await new CommerceClient(second, admin, tenant).ShopifyAsync("orders/create", new { id = 900, line_items = Array.Empty<object>() }, eventId: "order-900");
        Assert.Equal("duplicate", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());

        // Nothing activates the Square grain but its reminder (at most one period after start).
        await SquareWebhookTests.EventuallyValueAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/products?q=TEA-S")).GetProperty("data") is { } d && d.GetArrayLength() == 1 ? d : (JsonElement?)null,
            seconds: 150);
        Assert.Equal(0, await second.Grains.GetGrain<ISquareSyncGrain>(tenant).GetPendingCountAsync());
        GC.KeepAlive(client);
    }

    // The SQL side of the order list: ties on created_at (with sub-microsecond ticks PostgreSQL does not keep) page
    // through by id compared bytewise, the list survives a restart, and an order stored before the list existed lists
    // itself when it next activates.
    [Fact]
    public async Task OrderList_PagesThroughTiesByteWise_SurvivesRestart_AndAnUnlistedOrderListsItselfWhenItActivates()
    {
        var cs = await postgres.NewDatabaseAsync();
        var at = T0.AddTicks(1_234_567);
        string tenant;
        await using (var first = new BetterDataApp(postgres: cs))
        {
            var shop = await CommerceClient.CreateAsync(first);
            tenant = shop.TenantId;
            foreach (var id in new[] { 10, 9, 100 })
            {
                (await shop.ShopifyAsync("orders/create", new { id, created_at = at.ToString("O"), line_items = Array.Empty<object>() })).EnsureSuccessStatusCode();
            }

            (await shop.ShopifyAsync("orders/create", new { id = 1, created_at = T0.ToString("O"), line_items = Array.Empty<object>() })).EnsureSuccessStatusCode();
            var legacy = first.Grains.GetGrain<IOrderGrain>(CommerceKeys.Of(tenant, "8")).GetGrainId();
            await first.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default).WriteStateAsync("order", legacy, new GrainState<OrderState>(new OrderState
            {
                Order = new OrderView("8", "shopify", "allocated", [], [], null, T0.AddHours(1)),
                Announced = true,
            }));
        }

        await using var second = new BetterDataApp(postgres: cs);
        var client = new CommerceClient(second, second.Admin(), tenant);
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var (ids, next) = await client.OrdersAsync("limit=1" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            seen.Add(ids);
            cursor = next;
        }
        while (cursor is not null && seen.Count < 10);

        Assert.Equal(["9", "100", "10", "1"], seen);
        Assert.NotNull(await client.OrderAsync("8")); // activates it
        Assert.Equal(("8,9,100,10,1", null), await client.OrdersAsync());
    }

    [Fact]
    public async Task CatalogRows_FollowVariantChangesAndDeletes_AndSearchIsLiteral_AcrossRestart()
    {
        var cs = await postgres.NewDatabaseAsync();
        string tenant;
        await using (var first = new BetterDataApp(postgres: cs))
        {
            var shop = await CommerceClient.CreateAsync(first);
            tenant = shop.TenantId;
            await shop.ShopifyAsync("products/create", CommerceClient.Product(1, "Oak Desk 100%", T0, (11, "DESK-A", 111)));
            await shop.ShopifyAsync("products/create", CommerceClient.Product(2, "Oak Desk 100x", T0, (21, "DESK_B", 211)));
            // Variant 11 (item 111) is replaced by 12 (item 112).
            await shop.ShopifyAsync("products/update", CommerceClient.Product(1, "Oak Desk 100%", T0.AddMinutes(1), (12, "DESK-C", 112)), eventId: "p1-update");
            await shop.ShopifyAsync("products/delete", new { id = 2 });
        }

        await using var second = new BetterDataApp(postgres: cs);
        var shop2 = new CommerceClient(second, second.Admin(), tenant);

        // The product kept the event id in its own state: a replay after the restart changes nothing.
        var replay = await shop2.ShopifyAsync("products/update", CommerceClient.Product(1, "Replayed", T0.AddMinutes(1), (13, "X", 113)), eventId: "p1-update");
        Assert.Equal("duplicate", (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
        Assert.Equal("Oak Desk 100%", (await shop2.ProductAsync("1"))!.Value.GetProperty("title").GetString());

        // Search treats % and _ literally, and the deleted product is gone.
        var percent = await shop2.SearchAsync("100%");
        Assert.Equal("1", Assert.Single(percent.EnumerateArray()).GetProperty("productId").GetString());
        Assert.Equal(0, (await shop2.SearchAsync("desk_b")).GetArrayLength());
        Assert.Equal(0, (await shop2.SearchAsync("DESK-A")).GetArrayLength());
        Assert.Equal("DESK-C", (await shop2.SearchAsync("desk-c"))[0].GetProperty("skus")[0].GetString());

        // The replaced item no longer resolves: its level parks; the new item's level lands on the product.
        var index = second.Grains.GetGrain<ICatalogIndexGrain>(tenant);
        Assert.Null(await index.ResolveAsync("111"));
        Assert.Null(await index.ResolveAsync("211"));
        Assert.Equal(new VariantRef("1", "12"), await index.ResolveAsync("112"));
        await shop2.ShopifyAsync("inventory_levels/update", CommerceClient.Level(112, 1, 7, T0.AddMinutes(2)));
        Assert.Equal(7, (await shop2.ProductAsync("1"))!.Value.GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task InventoryLevel_BeforeItsProduct_SurvivesARestart_AndIsUnparkedOnceApplied()
    {
        var cs = await postgres.NewDatabaseAsync();
        string tenant;
        await using (var first = new BetterDataApp(postgres: cs))
        {
            var shop = await CommerceClient.CreateAsync(first);
            tenant = shop.TenantId;
            await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(801, 1, 6, T0));
            await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(801, 2, 4, T0));
        }

        Assert.Equal(2, await ParkedRowsAsync(cs));
        await using var second = new BetterDataApp(postgres: cs);
        var shop2 = new CommerceClient(second, second.Admin(), tenant);
        await shop2.ShopifyAsync("products/create", CommerceClient.Product(8, "Rug", T0, (81, "RUG", 801)));

        Assert.Equal(10, (await shop2.ProductAsync("8"))!.Value.GetProperty("available").GetInt32());
        Assert.Equal(0, await ParkedRowsAsync(cs));
    }

    private static async Task<long> ParkedRowsAsync(string cs)
    {
        await using var db = Npgsql.NpgsqlDataSource.Create(cs);
        await using var count = db.CreateCommand("SELECT count(*) FROM parked_stock");
        return (long)(await count.ExecuteScalarAsync())!;
    }
}

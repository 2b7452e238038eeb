using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Catalog;
using BetterData.Grains.Orders;
using BetterData.Grains.Square;

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
}

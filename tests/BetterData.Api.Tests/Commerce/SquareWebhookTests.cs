using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Catalog;
using BetterData.Grains.Orders;

namespace BetterData.Api.Tests.Commerce;

public sealed class SquareWebhookTests
{
    public const string Merchant = "MLM1";

    public const string Catalog = """
        {"objects":[
          {"type":"ITEM","id":"ITEM_TEA","updated_at":"2026-11-01T12:00:00Z","is_deleted":false,
           "item_data":{"name":"Green Tea","description":"Loose leaf","image_ids":["IMG1"],
             "variations":[{"type":"ITEM_VARIATION","id":"VAR_TEA_S","item_variation_data":{"sku":"TEA-S","price_money":{"amount":1250,"currency":"USD"}}}]}},
          {"type":"ITEM","id":"ITEM_OLD","updated_at":"2026-11-01T12:00:00Z","is_deleted":true}
        ],
        "related_objects":[{"type":"IMAGE","id":"IMG1","image_data":{"url":"https://img.example.com/tea.png"}}],
        "latest_time":"2026-11-01T12:00:01Z"}
        """;

    [Fact]
    public async Task CatalogVersionUpdated_FetchesItemsAfterAck_WithRetries()
    {
        await using var square = await FakeSquareApi.StartAsync();
        square.CatalogJson = Catalog;
        square.FailNext = 1;
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app, squareMerchant: Merchant, squareApi: square.BaseUrl.AbsoluteUri);

        var response = await shop.SquareAsync("catalog.version.updated",
            new { type = "catalog_version", id = "", @object = new { catalog_version = new { updated_at = "2026-11-01T12:00:00Z" } } }, Merchant);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var hits = await EventuallyValueAsync(async () => await shop.SearchAsync("TEA-S") is { } h && h.GetArrayLength() == 1 ? h : (JsonElement?)null);
        Assert.Equal("ITEM_TEA", hits[0].GetProperty("productId").GetString());
        var product = (await shop.ProductAsync("ITEM_TEA"))!.Value;
        Assert.Equal(12.50m, product.GetProperty("price").GetDecimal());
        Assert.Equal("USD", product.GetProperty("currency").GetString());
        Assert.Equal("https://img.example.com/tea.png", product.GetProperty("images")[0].GetString());
        Assert.Contains(square.Requests, r => r.Contains("Bearer sq_token", StringComparison.Ordinal));
        Assert.True(square.Requests.Count >= 2, "the first 503 was retried");
    }

    [Fact]
    public async Task InventoryCountUpdated_And_OrderCreated_UpdateStockAndAllocate()
    {
        await using var square = await FakeSquareApi.StartAsync();
        square.CatalogJson = Catalog;
        square.Orders["ORD1"] = """
            {"order":{"id":"ORD1","location_id":"L1","created_at":"2026-11-01T13:00:00Z",
              "line_items":[{"catalog_object_id":"VAR_TEA_S","quantity":"2"}],"metadata":{"sessionId":"ses-square"}}}
            """;
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app, squareMerchant: Merchant, squareApi: square.BaseUrl.AbsoluteUri);
        await shop.Tenant.PostAsJsonAsync($"/api/tenants/{shop.TenantId}/sessions", new { sessionId = "ses-square" });
        await shop.SquareAsync("catalog.version.updated", new { @object = new { catalog_version = new { updated_at = "2026-11-01T12:00:00Z" } } }, Merchant);
        await EventuallyValueAsync(() => shop.ProductAsync("ITEM_TEA"));

        var counts = new
        {
            type = "inventory_counts",
            @object = new
            {
                inventory_counts = new[]
                {
                    new { catalog_object_id = "VAR_TEA_S", catalog_object_type = "ITEM_VARIATION", state = "IN_STOCK", location_id = "L1", quantity = "3", calculated_at = "2026-11-01T12:30:00Z" },
                    new { catalog_object_id = "VAR_TEA_S", catalog_object_type = "ITEM_VARIATION", state = "IN_STOCK", location_id = "L2", quantity = "1", calculated_at = "2026-11-01T12:30:00Z" },
                },
            },
        };
        Assert.Equal(HttpStatusCode.OK, (await shop.SquareAsync("inventory.count.updated", counts, Merchant)).StatusCode);
        Assert.Equal(4, (await shop.ProductAsync("ITEM_TEA"))!.Value.GetProperty("available").GetInt32());

        var created = new { type = "order_created", id = "ORD1", @object = new { order_created = new { order_id = "ORD1", state = "OPEN" } } };
        Assert.Equal(HttpStatusCode.OK, (await shop.SquareAsync("order.created", created, Merchant, eventId: "sq-o1")).StatusCode);
        await shop.SquareAsync("order.updated", created, Merchant);

        var order = await EventuallyAsync(() => app.Grains.GetGrain<IOrderGrain>(CommerceKeys.Of(shop.TenantId, "ORD1")).GetAsync());
        Assert.Equal("allocated", order.Status);
        await EventuallyAsync(async () => await app.Grains.GetGrain<BetterData.Grains.Square.ISquareSyncGrain>(shop.TenantId).GetPendingCountAsync() == 0 ? "" : null);
        Assert.Equal(2, (await shop.ProductAsync("ITEM_TEA"))!.Value.GetProperty("available").GetInt32());
        Assert.Equal("completed", (await shop.SessionAsync("ses-square")).GetProperty("status").GetString());

        var viaApi = (await shop.OrderAsync("ORD1"))!.Value;
        Assert.Equal("square", viaApi.GetProperty("source").GetString());
        Assert.Equal("ses-square", viaApi.GetProperty("sessionId").GetString());
        var connection = await shop.Tenant.GetStringAsync($"/api/tenants/{shop.TenantId}/connections/square/{Merchant}");
        Assert.Contains("\"hasAccessToken\":true", connection, StringComparison.Ordinal);
        Assert.DoesNotContain("sq_token", connection, StringComparison.Ordinal);
        Assert.DoesNotContain(CommerceClient.SquareKey, connection, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInputs_AreRefusedWithTheRightStatus()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app, squareMerchant: Merchant, squareApi: "http://127.0.0.1:9/");
        var data = new { @object = new { catalog_version = new { updated_at = "2026-11-01T12:00:00Z" } } };

        var wrongKey = await shop.SquareAsync("catalog.version.updated", data, Merchant, key: "wrong");
        var unknown = await shop.SquareAsync("catalog.version.updated", data, "OTHER");
        var invalid = await shop.SquareAsync("inventory.count.updated", new { @object = new { inventory_counts = "nope" } }, Merchant);
        var unhandled = await shop.SquareAsync("customer.created", new { }, Merchant);
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, "/webhooks/square") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        var missing = await app.Anonymous().SendAsync(unsigned);
        using var garbage = new HttpRequestMessage(HttpMethod.Post, "/webhooks/square") { Content = new StringContent("nope", Encoding.UTF8, "application/json") };
        garbage.Headers.Add("x-square-hmacsha256-signature", "AAAA");
        var malformed = await app.Anonymous().SendAsync(garbage);

        Assert.Equal(HttpStatusCode.Forbidden, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unhandled.StatusCode);
        Assert.Equal(0, await app.Grains.GetGrain<BetterData.Grains.Square.ISquareSyncGrain>(shop.TenantId).GetPendingCountAsync());
    }

    /// <summary>Polls for real asynchrony (work done after the ack) with a bounded wait.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, int seconds = 20)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(seconds), "timed out waiting");
            await Task.Delay(100);
        }
    }

    public static async Task<T> EventuallyValueAsync<T>(Func<Task<T?>> probe, int seconds = 20)
        where T : struct
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(seconds), "timed out waiting");
            await Task.Delay(100);
        }
    }
}

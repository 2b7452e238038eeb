using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Catalog;
using BetterData.Grains.Connections;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Microsoft.Extensions.Time.Testing;

namespace BetterData.Api.Tests.Commerce;

public sealed class ShopifyWebhookTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ProductTopics_CreateUpdateDelete_AreReflectedInSearch()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app);

        var created = await shop.ShopifyAsync("products/create", CommerceClient.Product(101, "Blue Mug", T0, (1011, "MUG-BLUE", 9011)));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("101", (await shop.SearchAsync("blue mug"))[0].GetProperty("productId").GetString());
        Assert.Equal(1, (await shop.SearchAsync("mug-blu")).GetArrayLength());

        await shop.ShopifyAsync("products/update", CommerceClient.Product(101, "Green Mug", T0.AddMinutes(1), (1011, "MUG-GREEN", 9011)));
        Assert.Equal(0, (await shop.SearchAsync("blue")).GetArrayLength());
        Assert.Equal(1, (await shop.SearchAsync("green")).GetArrayLength());

        var deleted = await shop.ShopifyAsync("products/delete", new { id = 101 }, tweak: r => r.Headers.Add("X-Shopify-Triggered-At", T0.AddMinutes(2).ToString("O")));
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(0, (await shop.SearchAsync("mug")).GetArrayLength());
        var product = (await shop.ProductAsync("101"))!.Value;
        Assert.True(product.GetProperty("deleted").GetBoolean());
    }

    [Fact]
    public async Task StaleRetry_OlderUpdatedAt_DoesNotOverwrite()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app);
        await shop.ShopifyAsync("products/update", CommerceClient.Product(7, "New title", T0.AddHours(1), (71, "SKU-7", 710)));

        var retry = await shop.ShopifyAsync("products/update", CommerceClient.Product(7, "Old title", T0, (71, "SKU-7", 710)));

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("ignored", (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
        Assert.Equal("New title", (await shop.ProductAsync("7"))!.Value.GetProperty("title").GetString());
    }

    [Fact]
    public async Task InventoryLevelsUpdate_MapsInventoryItemToVariant_AndKeepsStockPerLocation()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app);
        await shop.ShopifyAsync("products/create", CommerceClient.Product(5, "Lamp", T0, (51, "LAMP-1", 501), (52, "LAMP-2", 502)));

        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(501, 1, 3, T0));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(501, 2, 4, T0));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(502, 1, 5, T0));
        var stale = await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(502, 1, 99, T0.AddMinutes(-5)));

        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        var product = (await shop.ProductAsync("5"))!.Value;
        Assert.Equal(12, product.GetProperty("available").GetInt32());
        var lamp1 = product.GetProperty("variants")[0];
        Assert.Equal(3, lamp1.GetProperty("stockByLocation").GetProperty("1").GetInt32());
        Assert.Equal(4, lamp1.GetProperty("stockByLocation").GetProperty("2").GetInt32());
    }

    [Fact]
    public async Task InventoryLevel_BeforeItsProduct_IsAppliedWhenTheProductArrives()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app);

        var early = await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(801, 1, 6, T0));
        await shop.ShopifyAsync("products/create", CommerceClient.Product(8, "Rug", T0, (81, "RUG", 801)));

        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        Assert.Equal(6, (await shop.ProductAsync("8"))!.Value.GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task InventoryLevel_BeforeAVariantIsAddedToALiveProduct_IsAppliedWhenTheUpdateNamesIt()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app);
        await shop.ShopifyAsync("products/create", CommerceClient.Product(8, "Rug", T0, (81, "RUG", 801)));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(801, 1, 2, T0));

        var early = await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(802, 1, 5, T0));
        var unrelated = await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(999, 1, 7, T0));
        await shop.ShopifyAsync("products/update", CommerceClient.Product(8, "Rug", T0.AddMinutes(1), (81, "RUG", 801), (82, "RUG-XL", 802)));

        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unrelated.StatusCode);
        var product = (await shop.ProductAsync("8"))!.Value;
        Assert.Equal(7, product.GetProperty("available").GetInt32());
        Assert.Equal(5, product.GetProperty("variants")[1].GetProperty("stockByLocation").GetProperty("1").GetInt32());
    }

    [Fact]
    public async Task BadInputs_AreRefusedWithTheRightStatus_AndChangeNothing()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app);
        var product = JsonSerializer.Serialize(CommerceClient.Product(9, "Chair", T0, (91, "CH-1", 901)));

        var missing = await shop.ShopifyRawAsync("products/create", product, "e1", tweak: r => r.Headers.Remove("X-Shopify-Hmac-Sha256"));
        var wrong = await shop.ShopifyRawAsync("products/create", product, "e2", secret: "not-the-secret");
        var unknownShop = await shop.ShopifyRawAsync("products/create", product, "e3", shop: "other.myshopify.com");
        var malformed = await shop.ShopifyRawAsync("products/create", "{not json", "e4");
        var invalid = await shop.ShopifyRawAsync("products/create", """{"id": 9}""", "e5");
        var unhandled = await shop.ShopifyRawAsync("customers/create", """{"id": 1}""", "e6");
        var huge = await shop.ShopifyRawAsync("products/create", "{\"x\":\"" + new string('a', 1024 * 1024) + "\"}", "e7");

        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unknownShop.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, unhandled.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Null(await shop.ProductAsync("9"));

        Assert.Equal(HttpStatusCode.OK, (await shop.ShopifyRawAsync("products/create", product, "e8")).StatusCode);
        var renamed = JsonSerializer.Serialize(CommerceClient.Product(9, "Renamed", T0.AddDays(1), (91, "CH-1", 901)));
        var duplicate = await shop.ShopifyRawAsync("products/update", renamed, "e8");
        Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        Assert.Equal("duplicate", (await duplicate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
        Assert.Equal("Chair", (await shop.ProductAsync("9"))!.Value.GetProperty("title").GetString());
    }

    [Fact]
    public async Task DedupeWindow_IsBounded_OldestIdsAreForgotten()
    {
        await using var app = new BetterDataApp(settings: new Dictionary<string, string?> { ["Commerce:RecentEventIdLimit"] = "2" });
        var shop = await CommerceClient.CreateAsync(app);
        // Orders: the inbox's window is their only dedupe (the order grain is idempotent, so a forgotten id re-applies
        // harmlessly). Products keep their own recent ids, so a forgotten id is still a duplicate there.
        var order = JsonSerializer.Serialize(new { id = 900, line_items = Array.Empty<object>() });

        await shop.ShopifyRawAsync("orders/create", order, "a");
        await shop.ShopifyRawAsync("orders/create", order, "b");
        var recent = await shop.ShopifyRawAsync("orders/create", order, "b");
        await shop.ShopifyRawAsync("orders/create", order, "c");
        var forgotten = await shop.ShopifyRawAsync("orders/create", order, "a");

        var product = JsonSerializer.Serialize(CommerceClient.Product(3, "Cup", T0, (31, "CUP", 301)));
        await shop.ShopifyRawAsync("products/update", product, "p");
        await shop.ShopifyRawAsync("orders/create", order, "d");
        await shop.ShopifyRawAsync("orders/create", order, "e");
        var productAgain = await shop.ShopifyRawAsync("products/update", product, "p");

        Assert.Equal("duplicate", (await recent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
        Assert.Equal("accepted", (await forgotten.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
        Assert.Equal("duplicate", (await productAgain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
    }

    [Fact]
    public async Task EventId_Missing_FallsBackToWebhookId()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app);
        var body = JsonSerializer.Serialize(CommerceClient.Product(3, "Cup", T0, (31, "CUP", 301)));
        void WebhookIdOnly(HttpRequestMessage r)
        {
            r.Headers.Remove("X-Shopify-Event-Id");
            r.Headers.Remove("X-Shopify-Webhook-Id");
            r.Headers.Add("X-Shopify-Webhook-Id", "wh-1");
        }

        await shop.ShopifyRawAsync("products/create", body, "ignored", tweak: WebhookIdOnly);
        var again = await shop.ShopifyRawAsync("products/create", body, "ignored", tweak: WebhookIdOnly);

        Assert.Equal("duplicate", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());
    }

    [Fact]
    public async Task Connection_SecretsAreWriteOnly_AndPreviousSecretVerifiesOnlyDuringGrace()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new BetterDataApp(time: time);
        var shop = await CommerceClient.CreateAsync(app);
        var put = await shop.Tenant.PutAsJsonAsync($"/api/tenants/{shop.TenantId}/connections/shopify",
            new { shopDomain = "ACME.myshopify.com", webhookSecret = "rotated-secret" });
        var text = await put.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.DoesNotContain("rotated-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain(CommerceClient.ShopifySecret, text, StringComparison.Ordinal);

        var product = CommerceClient.Product(1, "A", T0, (11, "A", 111));
        Assert.Equal(HttpStatusCode.OK, (await shop.ShopifyAsync("products/create", product, secret: "rotated-secret")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await shop.ShopifyAsync("products/create", product)).StatusCode);
        time.Advance(TimeSpan.FromHours(25));
        Assert.Equal(HttpStatusCode.Forbidden, (await shop.ShopifyAsync("products/create", product)).StatusCode);

        // Read back (any case of the domain): ids and rotation status, never a secret.
        var get = await shop.Tenant.GetAsync($"/api/tenants/{shop.TenantId}/connections/shopify/Acme.MyShopify.com");
        var read = await get.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var view = JsonDocument.Parse(read).RootElement;
        Assert.Equal("acme.myshopify.com", view.GetProperty("externalId").GetString());
        Assert.Equal(shop.TenantId, view.GetProperty("tenantId").GetString());
        Assert.DoesNotContain("rotated-secret", read, StringComparison.Ordinal);
        Assert.DoesNotContain(CommerceClient.ShopifySecret, read, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await shop.Tenant.GetAsync($"/api/tenants/{shop.TenantId}/connections/shopify/other.myshopify.com")).StatusCode);

        var (otherId, other) = await app.CreateTenantAsync();
        var steal = await other.PutAsJsonAsync($"/api/tenants/{otherId}/connections/shopify", new { shopDomain = "acme.myshopify.com", webhookSecret = "mine" });
        Assert.Equal(HttpStatusCode.Conflict, steal.StatusCode);

        // Another tenant cannot see the store's connection: 404, as if there were none.
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/tenants/{otherId}/connections/shopify/acme.myshopify.com")).StatusCode);
    }

    [Fact]
    public async Task ConnectionList_HoldsTheTenantsStoresInKeyOrder_NoSecrets_AndAnUnlistedConnectionListsItselfWhenItActivates()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app, squareMerchant: "MERCHANT-LIST");
        (await shop.Tenant.PutAsJsonAsync($"/api/tenants/{shop.TenantId}/connections/shopify",
            new { shopDomain = "second.myshopify.com", webhookSecret = "second-secret" })).EnsureSuccessStatusCode();
        var (otherId, other) = await app.CreateTenantAsync();

        var list = await shop.Tenant.GetAsync($"/api/tenants/{shop.TenantId}/connections");
        var text = await list.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var data = JsonDocument.Parse(text).RootElement.GetProperty("data");
        Assert.Equal(["shopify:acme.myshopify.com", "shopify:second.myshopify.com", "square:MERCHANT-LIST"],
            data.EnumerateArray().Select(c => c.GetProperty("provider").GetString() + ":" + c.GetProperty("externalId").GetString()));
        Assert.True(data[2].GetProperty("hasAccessToken").GetBoolean());
        Assert.DoesNotContain(new[] { CommerceClient.ShopifySecret, "second-secret", CommerceClient.SquareKey, "sq_token" }, secret => text.Contains(secret, StringComparison.Ordinal));
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>($"/api/tenants/{otherId}/connections")).GetProperty("data").GetArrayLength());
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/tenants/{shop.TenantId}/connections")).StatusCode);

        // A connection stored without its listing (made before the list existed, or a crash between the two writes),
        // written straight to storage before it ever activates: its next activation lists it.
        var legacy = app.Grains.GetGrain<ICommerceConnectionGrain>(ConnectionKeys.Of(ConnectionKeys.Shopify, "legacy.myshopify.com")).GetGrainId();
        await app.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default).WriteStateAsync("commerce-connection", legacy,
            new GrainState<CommerceConnectionState>(new CommerceConnectionState { TenantId = otherId, Secret = "legacy-secret", UpdatedAt = T0 }));
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>($"/api/tenants/{otherId}/connections")).GetProperty("data").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await shop.ShopifyAsync("products/create", CommerceClient.Product(7, "Old", T0, (71, "OLD", 711)),
            shop: "legacy.myshopify.com", secret: "legacy-secret")).StatusCode);
        var listed = (await other.GetFromJsonAsync<JsonElement>($"/api/tenants/{otherId}/connections")).GetProperty("data");
        Assert.Equal("legacy.myshopify.com", Assert.Single(listed.EnumerateArray()).GetProperty("externalId").GetString());
    }

    [Fact]
    public async Task CachedCredentials_KeepAReplacedSecretAtMostOneTtlPastItsGrace()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new BetterDataApp(time: time, settings: new Dictionary<string, string?>
        {
            ["Commerce:SecretRotationGrace"] = "00:01:00",
            ["Commerce:CredentialCacheTtl"] = "00:00:10",
        });
        var shop = await CommerceClient.CreateAsync(app);
        (await shop.Tenant.PutAsJsonAsync($"/api/tenants/{shop.TenantId}/connections/shopify",
            new { shopDomain = "acme.myshopify.com", webhookSecret = "rotated-secret" })).EnsureSuccessStatusCode();
        var product = CommerceClient.Product(1, "A", T0, (11, "A", 111));

        time.Advance(TimeSpan.FromSeconds(55));
        Assert.Equal(HttpStatusCode.OK, (await shop.ShopifyAsync("products/create", product)).StatusCode); // read at 55 s: grace ends at 60 s
        time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(HttpStatusCode.OK, (await shop.ShopifyAsync("products/create", product)).StatusCode); // 62 s: still the 55 s read
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(HttpStatusCode.Forbidden, (await shop.ShopifyAsync("products/create", product)).StatusCode); // 66 s: read again
        Assert.Equal(HttpStatusCode.OK, (await shop.ShopifyAsync("products/create", product, secret: "rotated-secret")).StatusCode);
    }

    [Fact]
    public async Task CachedCredentials_ASecretRotatedElsewhere_VerifiesAtOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new BetterDataApp(time: time);
        var shop = await CommerceClient.CreateAsync(app);
        var product = CommerceClient.Product(1, "A", T0, (11, "A", 111));
        Assert.Equal(HttpStatusCode.OK, (await shop.ShopifyAsync("products/create", product)).StatusCode); // cached here

        // Another API node connects the new secret: this process's cache is not told.
        await app.Grains.GetGrain<ICommerceConnectionGrain>(ConnectionKeys.Of(ConnectionKeys.Shopify, "acme.myshopify.com"))
            .ConnectAsync(new ConnectionRequest(shop.TenantId, "rotated-elsewhere", null, null, null));

        Assert.Equal(HttpStatusCode.OK, (await shop.ShopifyAsync("products/create", product, secret: "rotated-elsewhere")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await shop.ShopifyAsync("products/create", product, secret: "never-connected")).StatusCode);
    }

    [Fact]
    public async Task OrdersCreate_AllocatesOnce_AndFailedAllocationReleasesPartialReservations()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app);
        await shop.ShopifyAsync("products/create", CommerceClient.Product(1, "Pen", T0, (11, "PEN", 111)));
        await shop.ShopifyAsync("products/create", CommerceClient.Product(2, "Ink", T0, (21, "INK", 211)));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 2, T0));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 2, 3, T0));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(211, 1, 1, T0));

        var order = new { id = 5001, created_at = T0.ToString("O"), line_items = new[] { new { product_id = 1, variant_id = 11, sku = "PEN", quantity = 4 } } };
        Assert.Equal(HttpStatusCode.OK, (await shop.ShopifyAsync("orders/create", order, eventId: "o1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await shop.ShopifyAsync("orders/create", order, eventId: "o1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await shop.ShopifyAsync("orders/create", order, eventId: "o1-redelivered")).StatusCode);
        Assert.Equal(1, (await shop.ProductAsync("1"))!.Value.GetProperty("available").GetInt32());
        var placed = (await shop.OrderAsync("5001"))!.Value;
        Assert.Equal("allocated", placed.GetProperty("status").GetString());
        Assert.Equal("shopify", placed.GetProperty("source").GetString());
        Assert.Equal(4, placed.GetProperty("lines")[0].GetProperty("quantity").GetInt32());
        Assert.Null(await shop.OrderAsync("5999")); // never placed: 404
        Assert.Equal(4, (await app.Grains.GetGrain<IProductGrain>(CommerceKeys.Of(shop.TenantId, "1")).GetSalesAsync()).Sum(b => b.Units));

        var tooMuch = new
        {
            id = 5002,
            created_at = T0.ToString("O"),
            line_items = new[] { new { product_id = 2, variant_id = 21, sku = "INK", quantity = 1 }, new { product_id = 1, variant_id = 11, sku = "PEN", quantity = 2 } },
        };
        await shop.ShopifyAsync("orders/create", tooMuch);

        var failed = (await shop.OrderAsync("5002"))!.Value;
        Assert.Equal("allocation_failed", failed.GetProperty("status").GetString());
        Assert.Equal("PEN", Assert.Single(failed.GetProperty("unmetLines").EnumerateArray()).GetProperty("sku").GetString());
        Assert.Equal(1, (await shop.ProductAsync("2"))!.Value.GetProperty("available").GetInt32());
        Assert.Equal(1, (await shop.ProductAsync("1"))!.Value.GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task OrderList_IsNewestFirst_FiltersByStatusAndSource_PagesWithACursor_AndHoldsOnlyTheTenantsOrders()
    {
        await using var app = new BetterDataApp();
        var shop = await CommerceClient.CreateAsync(app);
        var other = await CommerceClient.CreateAsync(app, shop: "other.myshopify.com");
        await shop.ShopifyAsync("products/create", CommerceClient.Product(1, "Pen", T0, (11, "PEN", 111)));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 2, T0));
        object Order(int id, TimeSpan after, int quantity) => new
        {
            id,
            created_at = T0.Add(after).ToString("O"),
            line_items = new[] { new { product_id = 1, variant_id = 11, sku = "PEN", quantity } },
        };

        // Placed out of time order; 6003 and 6004 were created in the same second (the id breaks the tie).
        await shop.ShopifyAsync("orders/create", Order(6003, TimeSpan.FromMinutes(2), 1));
        await shop.ShopifyAsync("orders/create", Order(6001, TimeSpan.Zero, 1));
        await shop.ShopifyAsync("orders/create", Order(6002, TimeSpan.FromMinutes(1), 10));
        await shop.ShopifyAsync("orders/create", Order(6004, TimeSpan.FromMinutes(2), 5));
        await shop.ShopifyAsync("orders/create", Order(6001, TimeSpan.Zero, 1)); // a redelivery adds nothing
        await other.ShopifyAsync("orders/create", Order(7001, TimeSpan.Zero, 1), shop: "other.myshopify.com");

        Assert.Equal(("6004,6003,6002,6001", null), await shop.OrdersAsync());
        var (first, next) = await shop.OrdersAsync("limit=3");
        Assert.Equal("6004,6003,6002", first);
        Assert.Equal(("6001", null), await shop.OrdersAsync($"limit=3&cursor={Uri.EscapeDataString(next!)}"));
        Assert.Equal(("6004,6002", null), await shop.OrdersAsync("status=allocation_failed"));
        Assert.Equal(("6003,6001", null), await shop.OrdersAsync("status=allocated&source=shopify"));
        Assert.Equal(("", null), await shop.OrdersAsync("source=square"));
        Assert.Equal(("7001", null), await other.OrdersAsync());
        var listed = (await shop.Tenant.GetFromJsonAsync<JsonElement>($"/api/tenants/{shop.TenantId}/orders?limit=1")).GetProperty("data")[0];
        Assert.Equal("allocation_failed", listed.GetProperty("status").GetString());
        Assert.Equal(5, listed.GetProperty("unmetLines")[0].GetProperty("quantity").GetInt32());

        foreach (var bad in new[] { "status=shipped", "source=amazon", "limit=0", "limit=251", "cursor=not-a-cursor", "cursor=" + Convert.ToBase64String("x|y"u8) })
        {
            var response = await shop.Tenant.GetAsync($"/api/tenants/{shop.TenantId}/orders?{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await other.Tenant.GetAsync($"/api/tenants/{shop.TenantId}/orders")).StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Tests.Commerce;
using BetterData.Api.Tests.Delivery;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Catalog;
using BetterData.Grains.Events;
using Microsoft.Extensions.Time.Testing;

namespace BetterData.Api.Tests.Demand;

/// <summary>
/// Sales go through Shopify orders over HTTP; the clock is fake and the reminder's tick is called directly. Orleans'
/// reminders run on the same fake clock, so the reminder's own period is set beyond the hours these tests advance: a
/// real tick arriving between a sale and the explicit check would publish first and leave the check nothing to say.
/// </summary>
public sealed class DemandSignalTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 5, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string?> NoOwnTicks = new() { ["Demand:CheckPeriod"] = "30.00:00:00" };
    private int nextOrder = 9000;

    [Fact]
    public async Task CheckDemand_SalesThroughOrders_OneStockoutRiskPerEpisodeAndOneSpikePerSpike()
    {
        var time = new FakeTimeProvider(T0);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new BetterDataApp(time: time, settings: NoOwnTicks);
        var shop = await CommerceClient.CreateAsync(app);
        var endpoint = await shop.Tenant.CreateEndpointAsync(shop.TenantId, receiver.Url,
            EventTypes.DemandSignalStockoutRisk, EventTypes.DemandSignalSpikeDetected);
        receiver.Secrets.Add(endpoint.Secret);
        await shop.ShopifyAsync("products/create", CommerceClient.Product(1, "Kettle", T0, (11, "KET", 111)));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 100, T0));
        var product = app.Grains.GetGrain<IProductGrain>(CommerceKeys.Of(shop.TenantId, "1"));

        await SellAsync(shop, 3);
        var check = await product.CheckDemandAsync(); // 3 units: no spike (minimum 5), 97 / (3/7) days of cover
        Assert.False(check.SpikePublished || check.StockoutRiskPublished);
        Assert.Equal(3 / 7.0, check.VelocityPerDay, 6);
        Assert.Equal(97 / (3 / 7.0), check.DaysOfCover!.Value, 6);

        time.Advance(TimeSpan.FromHours(1));
        await SellAsync(shop, 10);
        Assert.True((await product.CheckDemandAsync()).SpikePublished); // spike 1: 10 units vs a 3/168 baseline
        Assert.False((await product.CheckDemandAsync()).SpikePublished); // once per hour
        await receiver.WaitForAsync(1); // delivered before the clock moves on (a lease outlived by a jump would resend)

        time.Advance(TimeSpan.FromHours(1));
        await SellAsync(shop, 1);
        Assert.False((await product.CheckDemandAsync()).SpikePublished);

        time.Advance(TimeSpan.FromHours(1));
        await SellAsync(shop, 70); // 16 left at 12 a day: 1.3 days of cover
        check = await product.CheckDemandAsync();
        Assert.True(check.StockoutRiskPublished && check.SpikePublished); // risk episode 1, spike 2
        Assert.Equal(16, check.Available);
        await receiver.WaitForAsync(3);
        time.Advance(TimeSpan.FromMinutes(15));
        Assert.False((await product.CheckDemandAsync()).StockoutRiskPublished); // same episode

        // A restock re-arms; cover is fine again, so nothing is said until it falls below the threshold again.
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 200, time.GetUtcNow()));
        Assert.False((await product.CheckDemandAsync()).StockoutRiskPublished);
        time.Advance(TimeSpan.FromHours(1));
        await SellAsync(shop, 150);
        check = await product.CheckDemandAsync();
        Assert.True(check.StockoutRiskPublished && check.SpikePublished); // risk episode 2, spike 3

        await receiver.WaitForAsync(5);
        await Task.Delay(200); // nothing more may arrive
        // Receivers deduplicate by webhook-id; count messages, not requests.
        var types = receiver.Requests.DistinctBy(r => r.Id).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString()).ToList();
        Assert.Equal(2, types.Count(t => t == EventTypes.DemandSignalStockoutRisk));
        Assert.Equal(3, types.Count(t => t == EventTypes.DemandSignalSpikeDetected));
        Assert.All(receiver.Requests, r => Assert.True(r.StandardValid && r.BetterDataValid));
        var first = receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement)
            .First(e => e.GetProperty("type").GetString() == EventTypes.DemandSignalStockoutRisk).GetProperty("data");
        Assert.Equal(16, first.GetProperty("available").GetInt32());
        Assert.Equal(12, first.GetProperty("velocityPerDay").GetDouble(), 3);
        Assert.Equal(7, first.GetProperty("thresholdDays").GetDouble());
        Assert.True(first.GetProperty("daysOfCover").GetDouble() < 7);

        var log = await shop.Tenant.DeliveriesAsync(shop.TenantId, endpoint.Endpoint.Id, "?eventType=" + EventTypes.DemandSignalStockoutRisk);
        Assert.Equal(2, log.Items.Count);
        Assert.Equal(3, (await shop.Tenant.DeliveriesAsync(shop.TenantId, endpoint.Endpoint.Id, "?eventType=" + EventTypes.DemandSignalSpikeDetected)).Items.Count);
    }

    [Fact]
    public async Task CheckDemand_SmallRiseAndNoRecentSales_NoSpikeAndIdle()
    {
        var time = new FakeTimeProvider(T0);
        await using var app = new BetterDataApp(time: time, settings: NoOwnTicks);
        var shop = await CommerceClient.CreateAsync(app);
        await shop.ShopifyAsync("products/create", CommerceClient.Product(1, "Mug", T0, (11, "MUG", 111)));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 1000, T0));
        var product = app.Grains.GetGrain<IProductGrain>(CommerceKeys.Of(shop.TenantId, "1"));
        for (var h = 0; h < 5; h++)
        {
            await SellAsync(shop, 1);
            time.Advance(TimeSpan.FromHours(1));
        }

        await SellAsync(shop, 3); // 1 → 3 an hour: three times the baseline but under the minimum count
        var check = await product.CheckDemandAsync();
        Assert.False(check.SpikePublished);
        Assert.False(check.Idle);

        time.Advance(TimeSpan.FromDays(8)); // nothing sold within the velocity window: idle, reminder removed
        Assert.True((await product.CheckDemandAsync()).Idle);
    }

    [Fact]
    public async Task StockoutThreshold_SetThroughTheApi_AppliesFromTheNextCheck_AndBadValuesChangeNothing()
    {
        var time = new FakeTimeProvider(T0);
        await using var app = new BetterDataApp(time: time, settings: new Dictionary<string, string?>(NoOwnTicks) { ["Demand:TenantStockoutCoverDays:configured"] = "3" });
        var shop = await CommerceClient.CreateAsync(app);
        var settings = $"/api/tenants/{shop.TenantId}/settings/demand";
        await shop.ShopifyAsync("products/create", CommerceClient.Product(1, "Kettle", T0, (11, "KET", 111)));
        await shop.ShopifyAsync("inventory_levels/update", CommerceClient.Level(111, 1, 100, T0));
        var product = app.Grains.GetGrain<IProductGrain>(CommerceKeys.Of(shop.TenantId, "1"));
        await SellAsync(shop, 10); // 90 left at 10 a week: 63 days of cover

        Assert.Equal((7.0, "default"), await ReadAsync(shop.Tenant.GetAsync(settings)));
        Assert.False((await product.CheckDemandAsync()).StockoutRiskPublished);

        Assert.Equal((70.0, "tenant"), await ReadAsync(shop.Tenant.PutAsJsonAsync(settings, new { stockoutCoverDays = 70 })));
        Assert.True((await product.CheckDemandAsync()).StockoutRiskPublished);

        string[] bad = ["{\"stockoutCoverDays\":0}", "{\"stockoutCoverDays\":-1}", "{\"stockoutCoverDays\":366}", "{\"stockoutCoverDays\":1e400}",
            "{\"stockoutCoverDays\":\"7\"}", "{}", "{\"stockoutCoverDay\":7}", "[]", "7", "{\"stockoutCoverDays\":"];
        foreach (var body in bad)
        {
            var response = await shop.Tenant.PutAsync(settings, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var (otherTenant, other) = await app.CreateTenantAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsJsonAsync(settings, new { stockoutCoverDays = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin().PutAsJsonAsync("/api/tenants/nobody/settings/demand", new { stockoutCoverDays = 1 })).StatusCode);
        Assert.Equal((70.0, "tenant"), await ReadAsync(shop.Tenant.GetAsync(settings)));
        Assert.Equal((7.0, "default"), await ReadAsync(other.GetAsync($"/api/tenants/{otherTenant}/settings/demand")));

        Assert.Equal((7.0, "default"), await ReadAsync(app.Admin().PutAsJsonAsync(settings, new { stockoutCoverDays = (double?)null })));
        var (configured, _) = await app.CreateTenantAsync("configured");
        Assert.Equal((3.0, "configuration"), await ReadAsync(app.Admin().GetAsync($"/api/tenants/{configured}/settings/demand")));
    }

    private static async Task<(double Days, string? Source)> ReadAsync(Task<HttpResponseMessage> request)
    {
        var response = await request;
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("stockoutCoverDays").GetDouble(), body.GetProperty("source").GetString());
    }

    private async Task SellAsync(CommerceClient shop, int quantity)
    {
        var order = new { id = nextOrder++, line_items = new[] { new { product_id = 1, variant_id = 11, sku = "X", quantity } } };
        (await shop.ShopifyAsync("orders/create", order)).EnsureSuccessStatusCode();
    }
}

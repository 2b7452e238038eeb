using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BetterData.Api.Tests.Delivery;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Events;
using Xunit.Abstractions;

namespace BetterData.Api.Tests.Imports;

public sealed class ImportTests(ITestOutputHelper output)
{
    private const string Header = "product_id,title,description,price,currency,status,sku,image_url,available,location_id";

    [Fact]
    public async Task Import_FiftyThousandRowCsv_CompletesWithItsEvent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new BetterDataApp();
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url, "import.*");
        receiver.Secrets.Add(endpoint.Secret);
        var csv = new StringBuilder(Header).Append('\n');
        var rows = int.Parse(Environment.GetEnvironmentVariable("IMPORT_ROWS") ?? "50000", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 1; i <= rows; i++)
        {
            csv.Append($"p{i},\"Product {i}, deluxe\",A fine thing,{i % 100}.95,EUR,active,SKU-{i},https://cdn.example.com/{i}.png,{i % 7},wh-1\n");
        }

        var clock = Stopwatch.StartNew();
        var accepted = await UploadAsync(client, tenant, csv.ToString(), "text/csv");
        var uploaded = clock.Elapsed;
        var done = await WaitForImportAsync(client, tenant, accepted, TimeSpan.FromSeconds(400));
        output.WriteLine($"50,000 rows ({csv.Length / 1024} KiB): upload {uploaded.TotalSeconds:F1} s, finished {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(50_000, done.GetProperty("rowsSucceeded").GetInt64());
        Assert.Equal(0, done.GetProperty("rowsFailed").GetInt64());
        var product = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/products/p49999");
        Assert.Equal("Product 49999, deluxe", product.GetProperty("title").GetString());
        Assert.Equal(49999 % 7, product.GetProperty("available").GetInt32());
        var hits = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/products?q=SKU-12345");
        Assert.Equal("p12345", hits.GetProperty("data")[0].GetProperty("productId").GetString());

        var received = JsonDocument.Parse((await receiver.WaitForAsync(1)).Body).RootElement;
        Assert.Equal(EventTypes.ImportCompleted, received.GetProperty("type").GetString());
        Assert.Equal(50_000, received.GetProperty("data").GetProperty("succeeded").GetInt64());
        Assert.Single((await client.DeliveriesAsync(tenant, endpoint.Endpoint.Id)).Items);
    }

    [Fact]
    public async Task Import_CsvWithBadRows_IsPartialWithLineNumbers()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new BetterDataApp();
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url, "import.*");
        receiver.Secrets.Add(endpoint.Secret);
        var csv = Header + "\r\n"
            + "a1,Lamp,,10.00,EUR,active,L-1,,3,\r\n"                     // line 2
            + "a2,\"Desk\nwith a two-line description\",,abc,EUR,,,,,\r\n" // line 3 (and 4): bad price
            + "a3,Chair,,5,EURO,,,,,\r\n"                                  // line 5: bad currency
            + "\r\n"                                                        // line 6: blank, skipped
            + ",Nameless,,,,,,,,\r\n"                                       // line 7: no product id
            + "a4,Shelf,,7.5,usd,draft,S-4,https://cdn.example.com/s.png,-1,\r\n" // line 8: negative stock
            + "a5,Stool,,1,,,,,,\r\n";                                      // line 9
        var done = await WaitForImportAsync(client, tenant, await UploadAsync(client, tenant, csv, "text/csv; charset=utf-8"), TimeSpan.FromSeconds(30));

        Assert.Equal("partial", done.GetProperty("status").GetString());
        Assert.Equal(2, done.GetProperty("rowsSucceeded").GetInt64());
        Assert.Equal(4, done.GetProperty("rowsFailed").GetInt64());
        var errors = done.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(3L, "price"), (5L, "currency"), (7L, "product_id"), (8L, "available")], errors);

        var data = JsonDocument.Parse((await receiver.WaitForAsync(1)).Body).RootElement;
        Assert.Equal(EventTypes.ImportPartial, data.GetProperty("type").GetString());
        Assert.Equal(4, data.GetProperty("data").GetProperty("rejected").GetInt64());
        Assert.Equal(3, data.GetProperty("data").GetProperty("errors")[0].GetProperty("line").GetInt64());
        Assert.Equal(3, (await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/products/a1")).GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Import_ProductSpreadOverRows_IsOneProductWithItsVariants_AndIsTakenWholeOrNotAtAll()
    {
        // Batches of 2 rows: the 4-row product spans three of them and still lands in one write.
        await using var app = new BetterDataApp(settings: new Dictionary<string, string?> { ["Imports:BatchSize"] = "2" });
        var (tenant, client) = await app.CreateTenantAsync();
        var csv = "product_id,title,description,price,currency,status,variant_id,sku,image_url,available,location_id\n"
            + "tee,T-shirt,Cotton,20.00,EUR,active,tee-s,TEE-S,https://cdn.example.com/front.png,5,wh-1\n" // line 2
            + "tee,,,,,,tee-s,,,2,wh-2\n"                                 // line 3: the same variant at another location
            + "tee,,,22.00,,,tee-m,TEE-M,https://cdn.example.com/back.png,0,wh-1\n" // line 4
            + "tee,,,,,,tee-l,TEE-L,,,\n"                                  // line 5: no stock; the product's price
            + "mug,Mug,,8,EUR,,,,,3,\n"                                    // line 6
            + "bad,Bad,,1,,,b1,,,1,wh-1\n"                                 // line 7
            + "bad,,,,,,b2,,,many,wh-1\n"                                  // line 8: rejects product bad
            + "tee,T-shirt XL,,,,,tee-xl,,,,\n"                            // line 9: tee again, not consecutive
            + "dup,Dup,,,,,d1,,,1,wh-1\n"                                  // line 10
            + "dup,,,,,,d1,,,2,wh-1\n"                                     // line 11: the same stock twice
            + "untitled,,,,,,,,,1,\n";                                     // line 12: a first row without a title

        var done = await WaitForImportAsync(client, tenant, await UploadAsync(client, tenant, csv, "text/csv"), TimeSpan.FromSeconds(30));

        Assert.Equal("partial", done.GetProperty("status").GetString());
        Assert.Equal(11, done.GetProperty("rowsRead").GetInt64());
        Assert.Equal(5, done.GetProperty("rowsSucceeded").GetInt64());
        Assert.Equal(6, done.GetProperty("rowsFailed").GetInt64());
        var errors = done.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(7L, null), (8L, "available"), (9L, "product_id"), (10L, null), (11L, "location_id"), (12L, "title")], errors);

        var tee = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/products/tee");
        Assert.Equal("T-shirt", tee.GetProperty("title").GetString());
        Assert.Equal(["https://cdn.example.com/front.png", "https://cdn.example.com/back.png"], tee.GetProperty("images").EnumerateArray().Select(i => i.GetString()));
        var variants = tee.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("variantId").GetString()!);
        Assert.Equal(["tee-s", "tee-m", "tee-l"], variants.Keys);
        Assert.Equal(5, variants["tee-s"].GetProperty("stockByLocation").GetProperty("wh-1").GetInt32());
        Assert.Equal(2, variants["tee-s"].GetProperty("stockByLocation").GetProperty("wh-2").GetInt32());
        Assert.Equal(20.00m, variants["tee-s"].GetProperty("price").GetDecimal());
        Assert.Equal(22.00m, variants["tee-m"].GetProperty("price").GetDecimal());
        Assert.Equal(20.00m, variants["tee-l"].GetProperty("price").GetDecimal());
        Assert.Equal("TEE-L", variants["tee-l"].GetProperty("sku").GetString());
        Assert.Equal(7, tee.GetProperty("available").GetInt32());
        var hits = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/products?q=TEE-M");
        Assert.Equal("tee", hits.GetProperty("data")[0].GetProperty("productId").GetString());
        Assert.Equal(3, (await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/products/mug")).GetProperty("available").GetInt32());
        foreach (var rejected in new[] { "bad", "dup", "untitled" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/tenants/{tenant}/products/{rejected}")).StatusCode);
        }
    }

    [Fact]
    public async Task Import_RowsThatBreakAProduct_RejectItWhole()
    {
        await using var app = new BetterDataApp(settings: new Dictionary<string, string?> { ["Imports:MaxRowsPerProduct"] = "2" });
        var (tenant, client) = await app.CreateTenantAsync();
        var csv = "product_id,title,variant_id\n"
            + "a,A,a1\n"        // line 2
            + "a,,a2,stray\n"   // line 3: a field too many, still product a
            + "b,B,b1\n"        // line 4
            + "b,,b2\n"         // line 5
            + "b,,b3\n"         // line 6: a third row where 2 are allowed
            + "c,C,c1\n";       // line 7

        var done = await WaitForImportAsync(client, tenant, await UploadAsync(client, tenant, csv, "text/csv"), TimeSpan.FromSeconds(30));

        Assert.Equal(1, done.GetProperty("rowsSucceeded").GetInt64());
        Assert.Equal(5, done.GetProperty("rowsFailed").GetInt64());
        var errors = done.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(2L, null), (3L, null), (4L, null), (6L, "product_id")], errors);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/tenants/{tenant}/products/a")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/tenants/{tenant}/products/b")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/tenants/{tenant}/products/c")).StatusCode);
    }

    [Fact]
    public async Task Import_ProductOverTheRowLimit_OrCutByABrokenFile_IsNotImported()
    {
        await using var app = new BetterDataApp(settings: new Dictionary<string, string?> { ["Imports:MaxRows"] = "3" });
        var (tenant, client) = await app.CreateTenantAsync();

        // One product of five rows in a file allowed three: reading stops at the fourth, and nothing is imported.
        var big = "product_id,title,variant_id\nbig,Big,v1\nbig,,v2\nbig,,v3\nbig,,v4\nbig,,v5\n";
        var done = await WaitForImportAsync(client, tenant, await UploadAsync(client, tenant, big, "text/csv"), TimeSpan.FromSeconds(30));
        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Equal(0, done.GetProperty("rowsRead").GetInt64());
        Assert.Contains("more than 3 rows; rows from line 2 on", done.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/tenants/{tenant}/products/big")).StatusCode);

        // A quote never closed in product p2's second row: p1 is in, p2 (maybe incomplete) is rejected, the file error says why.
        var broken = "product_id,title,variant_id\np1,One,x\np2,Two,y\np2,,\"unclosed\n";
        done = await WaitForImportAsync(client, tenant, await UploadAsync(client, tenant, broken, "text/csv"), TimeSpan.FromSeconds(30));
        Assert.Equal("partial", done.GetProperty("status").GetString());
        Assert.Equal(1, done.GetProperty("rowsSucceeded").GetInt64());
        Assert.Equal(1, done.GetProperty("rowsFailed").GetInt64());
        Assert.Contains("could not be read past line 3", done.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(done.GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/tenants/{tenant}/products/p1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/tenants/{tenant}/products/p2")).StatusCode);
    }

    [Theory]
    [InlineData("text/csv", "sku,price\nX,1\n")]                      // required columns missing
    [InlineData("text/csv", "product_id,title\n\"p1,Unclosed\n")]     // a quote never closed
    [InlineData("application/json", "{\"product_id\":\"p1\"}")]       // not an array
    [InlineData("application/json", "[{\"product_id\":\"p1\",\"title\":")] // broken JSON
    [InlineData("application/json", "[]")]                              // no row at all
    public async Task Import_UnreadableFile_Fails(string contentType, string body)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new BetterDataApp();
        var (tenant, client) = await app.CreateTenantAsync();
        var endpoint = await client.CreateEndpointAsync(tenant, receiver.Url, "import.*");
        receiver.Secrets.Add(endpoint.Secret);

        var done = await WaitForImportAsync(client, tenant, await UploadAsync(client, tenant, body, contentType), TimeSpan.FromSeconds(30));

        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Equal(0, done.GetProperty("rowsSucceeded").GetInt64());
        Assert.Equal(EventTypes.ImportFailed, JsonDocument.Parse((await receiver.WaitForAsync(1)).Body).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Import_MoreRowsThanTheLimit_IsPartialAndSaysWhereItStopped()
    {
        await using var app = new BetterDataApp(settings: new Dictionary<string, string?> { ["Imports:MaxRows"] = "3" });
        var (tenant, client) = await app.CreateTenantAsync();
        var csv = "product_id,title\nm1,One\nm2,Two\nm3,Three\nm4,Four\nm5,Five\n";

        var done = await WaitForImportAsync(client, tenant, await UploadAsync(client, tenant, csv, "text/csv"), TimeSpan.FromSeconds(30));

        Assert.Equal("partial", done.GetProperty("status").GetString());
        Assert.Equal(3, done.GetProperty("rowsSucceeded").GetInt64());
        Assert.Contains("more than 3 rows; rows from line 5 on", done.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/tenants/{tenant}/products/m4")).StatusCode);
    }

    [Fact]
    public async Task Import_JsonArray_Completes_AndOtherMediaTypesAre415()
    {
        await using var app = new BetterDataApp();
        var (tenant, client) = await app.CreateTenantAsync();
        var json = JsonSerializer.Serialize(new object[]
        {
            new { product_id = "j1", title = "Teapot", price = 12.5, currency = "GBP", available = 4, location_id = "shop" },
            new { product_id = "j1", variant_id = "j1-large", price = 15, available = 1, location_id = "shop" },
            new { product_id = "j2", title = "Cup", sku = "CUP-1" },
        });
        var done = await WaitForImportAsync(client, tenant, await UploadAsync(client, tenant, json, "application/json"), TimeSpan.FromSeconds(30));
        Assert.Equal("completed", done.GetProperty("status").GetString());
        var teapot = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/products/j1");
        Assert.Equal(12.5m, teapot.GetProperty("price").GetDecimal());
        Assert.Equal(4, teapot.GetProperty("variants")[0].GetProperty("stockByLocation").GetProperty("shop").GetInt32());
        Assert.Equal(15m, teapot.GetProperty("variants")[1].GetProperty("price").GetDecimal());
        Assert.Equal(5, teapot.GetProperty("available").GetInt32());

        var wrong = await client.PostAsync($"/api/tenants/{tenant}/imports", new StringContent("x", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/tenants/{tenant}/imports/imp_nope")).StatusCode);
    }

    private static async Task<string> UploadAsync(HttpClient client, string tenant, string body, string contentType)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var response = await client.PostAsync($"/api/tenants/{tenant}/imports", content);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("importId").GetString()!;
    }

    /// <summary>Polls (bounded) until the import has finished: the work runs in the silo after the 202.</summary>
    public static async Task<JsonElement> WaitForImportAsync(HttpClient client, string tenant, string importId, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var view = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/imports/{importId}");
            if (view.GetProperty("status").GetString() != "processing")
            {
                return view;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Import still processing: {view}");
            }

            await Task.Delay(50);
        }
    }
}

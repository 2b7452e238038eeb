using System.Net;
using System.Text;
using BetterData.Api.Delivery;
using BetterData.Api.Tests.Commerce;
using BetterData.Api.Tests.Delivery;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Connections;
using BetterData.Grains.Delivery;
using BetterData.Grains.Hosting;
using BetterData.Grains.Signing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;

namespace BetterData.Api.Tests.Postgres;

/// <summary>
/// Endpoint signing secrets, connection webhook secrets and access tokens are encrypted in the database (read back
/// from Orleans' storage rows), still sign and verify after a restart, and a secret an earlier build stored in clear
/// keeps working and is encrypted when its grain first activates.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SecretsAtRestTests(PostgresFixture postgres)
{
    private const string Merchant = "MERCHANT-AT-REST";
    private const string EventType = "order.allocation_succeeded";

    [Fact]
    public async Task Secrets_AreEncryptedInTheDatabase_StillSignAndVerifyAfterRestart_AndClearOnesAreEncryptedOnActivation()
    {
        var cs = await postgres.NewDatabaseAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var (tenant, endpoint) = await SeedAsync(cs, receiver);

        string[] clear = [endpoint.Secret, endpoint.Secret["whsec_".Length..], CommerceClient.ShopifySecret, CommerceClient.SquareKey, "sq_token"];
        var rows = await StorageRowsAsync(cs);
        Assert.DoesNotContain(clear, secret => rows.Any(row => Contains(row, secret)));
        Assert.True(rows.Count(row => Contains(row, "enc:v1:test:")) >= 3, "the endpoint and both connections hold encrypted secrets");

        // An earlier build's rows: the endpoint's secret and the Shopify connection's secret in clear.
        var legacyEndpointSecret = StandardWebhookSignature.NewSecret();
        const string legacyShopSecret = "shpss_stored_in_clear_by_an_earlier_build";
        await using var second = new BetterDataApp(postgres: cs);
        var storage = second.Service<IServiceProvider>().GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);
        var endpointId = second.Grains.GetGrain<IEndpointDeliveryGrain>(endpoint.Endpoint.Id).GetGrainId();
        var connectionId = second.Grains.GetGrain<ICommerceConnectionGrain>(ConnectionKeys.Of(ConnectionKeys.Shopify, "acme.myshopify.com")).GetGrainId();
        await RewriteAsync<EndpointDeliveryState>(storage, "endpoint-delivery", endpointId, s => s.Secrets = [new EndpointSecret(legacyEndpointSecret, null)]);
        await RewriteAsync<CommerceConnectionState>(storage, "commerce-connection", connectionId, s => s.Secret = legacyShopSecret);
        Assert.Contains(await StorageRowsAsync(cs), row => Contains(row, legacyShopSecret));

        var admin = second.Admin();
        var commerce = new CommerceClient(second, admin, tenant);
        Assert.Equal(HttpStatusCode.OK, (await commerce.ShopifyAsync("products/create",
            CommerceClient.Product(1, "Desk", DateTimeOffset.UtcNow, (11, "DESK", 111)), secret: legacyShopSecret)).StatusCode);
        // Signed with the Square key, which is decrypted to check it (an event type Square sends that we do not handle).
        Assert.Equal(HttpStatusCode.OK, (await commerce.SquareAsync("customer.created", new { }, Merchant)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await commerce.SquareAsync("customer.created", new { }, Merchant, key: "not-the-key")).StatusCode);
        receiver.Secrets.Add(legacyEndpointSecret);
        await admin.PublishAsync(tenant, EventType, new { orderId = "ord_at_rest" });
        var delivered = await receiver.WaitForAsync(1);
        Assert.True(delivered.StandardValid && delivered.BetterDataValid, "signed with the secret stored in clear");

        rows = await StorageRowsAsync(cs);
        Assert.DoesNotContain(clear.Append(legacyEndpointSecret).Append(legacyShopSecret), secret => rows.Any(row => Contains(row, secret)));
    }

    [Fact]
    public async Task KeyRotation_ResealMovesEverySecretToTheNewKey_ThenTheOldKeyCanGo_AndAMissingKeyIsReported()
    {
        var cs = await postgres.NewDatabaseAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var (tenant, endpoint) = await SeedAsync(cs, receiver);

        // Every silo restarted with both keys, the new one active; then the reseal.
        var next = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());
        await using (var both = new BetterDataApp(postgres: cs, settings: new Dictionary<string, string?>
        {
            ["Secrets:Keys:next"] = next,
            ["Secrets:ActiveKey"] = "next",
        }))
        {
            var report = await both.Admin().PostAsync("/api/admin/secrets/reseal", null);
            var text = await report.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, report.StatusCode);
            using var json = System.Text.Json.JsonDocument.Parse(text);
            Assert.Equal(1, json.RootElement.GetProperty("endpoints").GetInt32());
            Assert.Equal(2, json.RootElement.GetProperty("connections").GetInt32());
            Assert.Equal(3, json.RootElement.GetProperty("rewritten").GetInt32());
            Assert.Equal(0, json.RootElement.GetProperty("failedCount").GetInt32());
            Assert.Equal(HttpStatusCode.Forbidden, (await (await CommerceClient.CreateAsync(both, shop: "x.myshopify.com")).Tenant
                .PostAsync("/api/admin/secrets/reseal", null)).StatusCode);
        }

        var rows = await StorageRowsAsync(cs);
        Assert.DoesNotContain(rows, row => Contains(row, "enc:v1:test:"));
        Assert.True(rows.Count(row => Contains(row, "enc:v1:next:")) >= 3);

        // The old key removed: everything still verifies and signs.
        await using (var after = new BetterDataApp(postgres: cs, settings: new Dictionary<string, string?>
        {
            ["Secrets:Keys:test"] = null,
            ["Secrets:Keys:next"] = next,
        }))
        {
            var admin = after.Admin();
            var commerce = new CommerceClient(after, admin, tenant);
            Assert.Equal(HttpStatusCode.OK, (await commerce.ShopifyAsync("products/create", CommerceClient.Product(1, "Desk", DateTimeOffset.UtcNow, (11, "DESK", 111)))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await commerce.SquareAsync("customer.created", new { }, Merchant)).StatusCode);
            receiver.Secrets.Add(endpoint.Secret);
            await admin.PublishAsync(tenant, EventType, new { orderId = "ord_rotated" });
            Assert.True((await receiver.WaitForAsync(1)).StandardValid);
        }

        // A silo given neither key cannot read them: the reseal names what failed and the missing key id, no secret.
        await using var lost = new BetterDataApp(postgres: cs, settings: new Dictionary<string, string?>
        {
            ["Secrets:Keys:test"] = null,
            ["Secrets:Keys:other"] = Convert.ToBase64String(new byte[32]),
        });
        var failed = await (await lost.Admin().PostAsync("/api/admin/secrets/reseal", null)).Content.ReadAsStringAsync();
        using var failure = System.Text.Json.JsonDocument.Parse(failed);
        // The endpoint, both connections, and the connection of the tenant made during the rotation.
        Assert.Equal(4, failure.RootElement.GetProperty("failedCount").GetInt32());
        Assert.Equal(0, failure.RootElement.GetProperty("rewritten").GetInt32());
        Assert.Contains("'next'", failure.RootElement.GetProperty("failed")[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(new[] { endpoint.Secret, CommerceClient.ShopifySecret, CommerceClient.SquareKey, "sq_token" }, secret => failed.Contains(secret, StringComparison.Ordinal));
    }

    // A tenant with a Shopify and a Square connection (webhook secrets and an access token) and an endpoint at the
    // receiver, made by a first process under the test key, which has stopped since.
    private static async Task<(string Tenant, CreatedEndpoint Endpoint)> SeedAsync(string cs, WebhookReceiver receiver)
    {
        await using var first = new BetterDataApp(postgres: cs);
        var shop = await CommerceClient.CreateAsync(first, squareMerchant: Merchant);
        return (shop.TenantId, await shop.Tenant.CreateEndpointAsync(shop.TenantId, receiver.Url, EventType));
    }

    private static async Task RewriteAsync<T>(IGrainStorage storage, string name, GrainId id, Action<T> change) where T : new()
    {
        var state = new GrainState<T>();
        await storage.ReadStateAsync(name, id, state);
        Assert.True(state.RecordExists, $"{name} {id} is stored");
        change(state.State!);
        await storage.WriteStateAsync(name, id, state);
    }

    private static async Task<List<byte[]>> StorageRowsAsync(string cs)
    {
        await using var db = NpgsqlDataSource.Create(cs);
        await using var command = db.CreateCommand("SELECT payloadbinary FROM orleansstorage WHERE payloadbinary IS NOT NULL");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<byte[]>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetFieldValue<byte[]>(0));
        }

        return rows;
    }

    private static bool Contains(byte[] row, string text) => row.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Imports;

namespace BetterData.Api.Tests.Imports;

[Collection(PostgresCollection.Name)]
public sealed class ImportPostgresTests(PostgresFixture postgres)
{
    // Small batches and checkpoints, so the first process stops with the import well under way. Products of three rows
    // (variants) against batches of 20 rows: batches end on a product's last row, never mid-product.
    private static readonly Dictionary<string, string?> SlowImport = new()
    {
        ["Imports:BatchSize"] = "20",
        ["Imports:CheckpointRows"] = "100",
    };

    [Fact]
    public async Task Import_ProcessStopsMidway_ResumesFromItsCheckpointAndFinishes()
    {
        var cs = await postgres.NewDatabaseAsync();
        const int Products = 1_000, Variants = 3, Rows = Products * Variants;
        var csv = new StringBuilder("product_id,title,variant_id,available\n");
        for (var p = 1; p <= Products; p++)
        {
            for (var v = 0; v < Variants; v++)
            {
                csv.Append($"r{p},{(v == 0 ? $"Resumed {p}" : "")},r{p}-{v},{(p + v) % 5}\n");
            }
        }

        string tenant;
        string importId;
        long readAtStop;
        await using (var first = new BetterDataApp(postgres: cs, settings: SlowImport))
        {
            (tenant, var client) = await first.CreateTenantAsync();
            var response = await client.PostAsync($"/api/tenants/{tenant}/imports", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
            importId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("importId").GetString()!;
            readAtStop = await WaitForProgressAsync(client, tenant, importId, 200);
        }

        Assert.True(readAtStop < Rows, $"The import finished before the stop ({readAtStop} rows).");
        Assert.Equal(0, readAtStop % Variants);
        await using var second = new BetterDataApp(postgres: cs, settings: SlowImport);
        var admin = second.Admin();

        // Nothing activates the import but its reminder (one period after start, plus the reminder service's load).
        var done = await ImportTests.WaitForImportAsync(admin, tenant, importId, TimeSpan.FromSeconds(240));
        Assert.Equal(ImportStatus.Completed, done.GetProperty("status").GetString());
        Assert.Equal(Rows, done.GetProperty("rowsSucceeded").GetInt64());
        Assert.Equal(Rows, done.GetProperty("rowsRead").GetInt64());
        foreach (var p in new[] { 1, Products / 2, Products })
        {
            var product = await admin.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/products/r{p}");
            Assert.Equal($"Resumed {p}", product.GetProperty("title").GetString());
            Assert.Equal(Enumerable.Range(0, Variants).Select(v => $"r{p}-{v}"), product.GetProperty("variants").EnumerateArray().Select(v => v.GetProperty("variantId").GetString()));
            Assert.Equal(Enumerable.Range(0, Variants).Sum(v => (p + v) % 5), product.GetProperty("available").GetInt32());
        }
    }

    private static async Task<long> WaitForProgressAsync(HttpClient client, string tenant, string importId, long atLeast)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var view = await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/imports/{importId}");
            var read = view.GetProperty("rowsRead").GetInt64();
            if (read >= atLeast || DateTime.UtcNow > deadline)
            {
                return read;
            }

            await Task.Delay(20);
        }
    }
}

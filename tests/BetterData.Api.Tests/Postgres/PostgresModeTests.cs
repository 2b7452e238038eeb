using System.Net;
using System.Net.Http.Json;
using BetterData.Api.Management;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BetterData.Api.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresModeTests(PostgresFixture postgres)
{
    private const string AdminKey = "bd_admin_process_test_key";

    [Fact]
    public async Task Schema_AppliedByManyStartersAtOnce_IsCompleteAndIdempotent()
    {
        var cs = await postgres.NewDatabaseAsync();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresSchema.ApplyAsync(cs, NullLogger.Instance)));
        await PostgresSchema.ApplyAsync(cs, NullLogger.Instance);

        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT querykey FROM orleansquery", connection);
        var keys = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        string[] required =
        [
            "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey",
            "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
            "CleanupDefunctSiloEntriesKey", "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
            "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];
        Assert.Empty(required.Except(keys, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TenantCreatedBeforeKill9_IsThereAfterRestart()
    {
        var cs = await postgres.NewDatabaseAsync();
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = cs,
            ["Admin__ApiKey"] = AdminKey,
            ["Orleans__ClusterId"] = "kill9-" + Guid.NewGuid().ToString("N")[..8],
        };

        CreatedTenant tenant;
        var first = HostProcess.Start("Api", "api-1", environment);
        await using (first)
        {
            await first.WaitReadyAsync(TimeSpan.FromSeconds(90));
            var response = await first.Client(AdminKey).PostAsJsonAsync("/api/tenants", new { name = "Durable", id = "durable" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            tenant = (await response.Content.ReadFromJsonAsync<CreatedTenant>())!;
            first.Kill();
        }

        await using var second = HostProcess.Start("Api", "api-2", environment, samePortsAs: first);
        await second.WaitReadyAsync(TimeSpan.FromSeconds(90));
        var fetched = await second.Client(tenant.ApiKey).GetAsync("/api/tenants/durable");

        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Contains("Durable", await fetched.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

using System.Net;
using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace BetterData.Grains.Hosting;

/// <summary>How this process joins the cluster, read once from configuration.</summary>
public sealed record ClusterSettings(
    string? PostgresConnectionString,
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort,
    IPAddress AdvertisedAddress,
    string? SiloName,
    bool ApplySchema,
    bool Dashboard = true)
{
    public bool IsDurable => PostgresConnectionString is not null;

    public static ClusterSettings From(IConfiguration configuration)
    {
        var orleans = configuration.GetSection("Orleans");
        var postgres = configuration.GetConnectionString("Postgres");
        var advertised = orleans["AdvertisedIP"] ?? Environment.GetEnvironmentVariable("POD_IP");
        return new ClusterSettings(
            string.IsNullOrWhiteSpace(postgres) ? null : Tune(postgres),
            orleans["ClusterId"] ?? "betterdata-dev",
            orleans["ServiceId"] ?? "betterdata",
            orleans.GetValue("SiloPort", 11111),
            orleans.GetValue("GatewayPort", 30000),
            advertised is null ? IPAddress.Loopback : IPAddress.Parse(advertised),
            orleans["SiloName"] ?? Environment.GetEnvironmentVariable("POD_NAME"),
            configuration.GetValue("Database:ApplySchema", true),
            orleans.GetValue("Dashboard", true));
    }

    /// <summary>
    /// Every query we and Orleans' ADO.NET providers send is short and keeps no session state, and each provider call
    /// borrows a pooled connection for one statement. So, unless the connection string says otherwise: no
    /// <c>DISCARD ALL</c> when a connection returns to the pool (it would throw away the server's cached plans,
    /// including those of the storage function, on every call), and statements used repeatedly are prepared once per
    /// connection. The schema bootstrap, the one user of session state (an advisory lock), opens its own unpooled
    /// connection.
    /// </summary>
    public static string Tune(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var tuned = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            tuned.NoResetOnClose = true;
        }

        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            tuned.MaxAutoPrepare = 64;
        }

        return tuned.ConnectionString;
    }

    /// <summary>
    /// The connection string of our own stores' pool: <see cref="Tune"/>, plus custom plans for every execution of a
    /// prepared statement. Our batched statements take arrays whose sizes vary with load and tables that grow from
    /// empty; a generic plan cached while a table was small stayed a sequential scan as it grew (measured: each
    /// product activation's state read scanned the whole <c>grain_state</c> table, 395 pages per read, 2.3 ms). A
    /// custom plan is made with the table's current size. An operator's own <c>Options</c> are kept.
    /// </summary>
    public static string ForStores(string connectionString)
    {
        var tuned = new NpgsqlConnectionStringBuilder(Tune(connectionString));
        if (tuned.Options?.Contains("plan_cache_mode", StringComparison.Ordinal) != true)
        {
            tuned.Options = ((tuned.Options ?? "") + " -c plan_cache_mode=force_custom_plan").Trim();
        }

        return tuned.ConnectionString;
    }
}

using System.Net;
using Microsoft.Extensions.Configuration;

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
    bool ApplySchema)
{
    public bool IsDurable => PostgresConnectionString is not null;

    public static ClusterSettings From(IConfiguration configuration)
    {
        var orleans = configuration.GetSection("Orleans");
        var postgres = configuration.GetConnectionString("Postgres");
        var advertised = orleans["AdvertisedIP"] ?? Environment.GetEnvironmentVariable("POD_IP");
        return new ClusterSettings(
            string.IsNullOrWhiteSpace(postgres) ? null : postgres,
            orleans["ClusterId"] ?? "betterdata-dev",
            orleans["ServiceId"] ?? "betterdata",
            orleans.GetValue("SiloPort", 11111),
            orleans.GetValue("GatewayPort", 30000),
            advertised is null ? IPAddress.Loopback : IPAddress.Parse(advertised),
            orleans["SiloName"] ?? Environment.GetEnvironmentVariable("POD_NAME"),
            configuration.GetValue("Database:ApplySchema", true));
    }
}

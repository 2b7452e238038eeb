using BetterData.Grains.Hosting;

namespace BetterData.Api;

public static class OrleansModeExtensions
{
    /// <summary>
    /// <c>Orleans:Mode</c> = <c>Cohosted</c> (default: this process is also a silo) or <c>Client</c> (an Orleans
    /// client that finds silo gateways through the membership table). Returns true when a silo runs here.
    /// </summary>
    public static bool AddBetterDataOrleans(this WebApplicationBuilder builder)
    {
        var mode = builder.Configuration["Orleans:Mode"] ?? "Cohosted";
        if (string.Equals(mode, "Client", StringComparison.OrdinalIgnoreCase))
        {
            builder.AddBetterDataClient();
            return false;
        }

        if (!string.Equals(mode, "Cohosted", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Orleans:Mode must be Cohosted or Client, not '{mode}'.");
        }

        builder.AddBetterDataSilo();
        return true;
    }
}

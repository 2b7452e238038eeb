namespace BetterData.Grains.Connections;

/// <summary>Grain keys of <see cref="ICommerceConnectionGrain"/>. Shop domains are case-insensitive, so they are lower-cased.</summary>
public static class ConnectionKeys
{
    public const string Shopify = "shopify";
    public const string Square = "square";

    public static string Of(string provider, string externalId) =>
        provider + "/" + (provider == Shopify ? externalId.Trim().ToLowerInvariant() : externalId.Trim());
}

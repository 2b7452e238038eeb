namespace BetterData.Grains.Catalog;

/// <summary>Compound grain keys <c>{tenant}/{id}</c> of per-tenant entities (products, orders).</summary>
public static class CommerceKeys
{
    public static string Of(string tenantId, string id) => tenantId + "/" + id;

    public static (string TenantId, string Id) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }
}

namespace BetterData.Grains.Hosting.Auth;

public static class AuthNames
{
    public const string Scheme = "ApiKey";
    public const string AdminPolicy = "Admin";
    public const string TenantPolicy = "Tenant";
    public const string AdminRole = "admin";
    public const string TenantClaim = "tenant";
}

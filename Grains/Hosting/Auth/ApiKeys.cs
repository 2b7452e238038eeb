using System.Security.Cryptography;
using System.Text;

namespace BetterData.Grains.Hosting.Auth;

/// <summary>
/// Tenant API keys: <c>bd_&lt;64 hex&gt;_&lt;tenant id&gt;</c>. The tenant id inside the key tells us which grain holds
/// the hash; only the SHA-256 of the key is stored (the key has 256 bits of entropy, so a slow KDF adds nothing).
/// </summary>
public static class ApiKeys
{
    private const string Prefix = "bd_";
    private const int SecretHexLength = 64;

    public static string NewTenantKey(string tenantId) =>
        Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SecretHexLength / 2)) + "_" + tenantId;

    public static string? TenantIdOf(string key)
    {
        var separator = Prefix.Length + SecretHexLength;
        return key.Length > separator + 1 && key.StartsWith(Prefix, StringComparison.Ordinal) && key[separator] == '_'
            ? key[(separator + 1)..]
            : null;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Hash(presented), Hash(expected));
}

namespace BetterData.Grains.Security;

/// <summary>
/// <c>Secrets:Keys:&lt;id&gt;</c>: AES-256 keys (32 random bytes, base64) that encrypt the secrets kept in grain state;
/// <c>Secrets:ActiveKey</c>: the one new writes use (may be left out when there is one key). Older keys stay listed
/// until every secret has been rewritten under the active one (each is, when its grain next activates).
/// </summary>
public sealed class SecretsOptions
{
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);
    public string? ActiveKey { get; set; }
}

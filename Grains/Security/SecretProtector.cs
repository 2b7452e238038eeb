using System.Security.Cryptography;
using System.Text;

namespace BetterData.Grains.Security;

/// <summary>
/// Encrypts the secrets grains keep in their state (endpoint signing secrets, connections' webhook secrets and access
/// tokens) with AES-256-GCM under a configured key, so a database dump or backup does not hold them in clear. A
/// protected value reads <c>enc:v1:&lt;key id&gt;:&lt;base64(nonce | tag | ciphertext)&gt;</c>; the purpose (which
/// record and field it belongs to) is authenticated data, so a value copied to another record does not decrypt.
/// <para>
/// Written by hand over <see cref="AesGcm"/> rather than ASP.NET Core Data Protection: Data Protection generates and
/// rotates its own key ring, which every silo would have to share through a repository of its own, itself encrypted
/// under a key from outside the database, which is this configured key anyway. Here the key comes from a Kubernetes
/// Secret like the other platform secrets, and rotation is listing a new key as active (values move to it as their
/// grains activate).
/// </para>
/// </summary>
public sealed class SecretProtector
{
    public const string Prefix = "enc:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int KeySize = 32;

    // A process-wide key for processes that keep state only in memory (embedded mode, test clusters): every silo in
    // the process shares it, and what it protected is gone with the process anyway.
    private static readonly Lazy<byte[]> EphemeralKey = new(() => RandomNumberGenerator.GetBytes(KeySize));

    private readonly Dictionary<string, byte[]> keys;
    private readonly string activeKeyId;
    private readonly string activePrefix;

    public SecretProtector(IReadOnlyDictionary<string, byte[]> keys, string activeKeyId)
    {
        if (!keys.ContainsKey(activeKeyId))
        {
            throw new ArgumentException($"The active key '{activeKeyId}' is not among the keys.", nameof(activeKeyId));
        }

        this.keys = keys.ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);
        this.activeKeyId = activeKeyId;
        activePrefix = $"{Prefix}{activeKeyId}:";
    }

    /// <summary>The configured keys; with none, a key that lives as long as this process, which only non-durable mode accepts.</summary>
    public static SecretProtector Create(SecretsOptions options, bool durable)
    {
        var problems = Validate(options, durable);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        if (options.Keys.Count == 0)
        {
            return new SecretProtector(new Dictionary<string, byte[]> { ["ephemeral"] = EphemeralKey.Value }, "ephemeral");
        }

        var keys = options.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value), StringComparer.Ordinal);
        return new SecretProtector(keys, options.ActiveKey ?? keys.Keys.Single());
    }

    /// <summary>What is wrong with the configuration, naming keys by id only (never their values).</summary>
    public static List<string> Validate(SecretsOptions options, bool durable)
    {
        var problems = new List<string>();
        if (options.Keys.Count == 0)
        {
            if (durable)
            {
                problems.Add("Secrets:Keys is required with PostgreSQL: set Secrets__Keys__<id> to 32 random bytes in base64 (openssl rand -base64 32).");
            }

            return problems;
        }

        var decoded = new byte[KeySize + 1];
        foreach (var (id, value) in options.Keys)
        {
            if (id.Length == 0 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                problems.Add($"Secrets:Keys: the key id '{id}' may hold only letters, digits, '-' and '_'.");
            }

            if (!Convert.TryFromBase64String(value ?? "", decoded, out var length) || length != KeySize)
            {
                problems.Add($"Secrets:Keys:{id} must be 32 bytes in base64.");
            }
        }

        if (options.ActiveKey is { } active ? !options.Keys.ContainsKey(active) : options.Keys.Count > 1)
        {
            problems.Add(options.ActiveKey is null
                ? "Secrets:ActiveKey must name one of the keys when there are several."
                : $"Secrets:ActiveKey '{options.ActiveKey}' is not among Secrets:Keys.");
        }

        return problems;
    }

    public string Protect(string plaintext, string purpose)
    {
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + TagSize + clear.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(keys[activeKeyId], TagSize))
        {
            aes.Encrypt(nonce, clear, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(purpose));
        }

        CryptographicOperations.ZeroMemory(clear);
        return activePrefix + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>
    /// The secret in clear. A value without the prefix was stored before encryption existed and is returned as it is
    /// (<see cref="NeedsProtecting"/> says to rewrite it). Throws <see cref="CryptographicException"/> when the value was
    /// altered, belongs to another purpose, or its key is not configured.
    /// </summary>
    public string Unprotect(string stored, string purpose)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return stored;
        }

        var rest = stored.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        var keyId = colon > 0 ? rest[..colon].ToString() : "";
        if (!keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException($"A stored secret is encrypted under key '{keyId}', which is not in Secrets:Keys.");
        }

        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(rest[(colon + 1)..].ToString());
        }
        catch (FormatException ex)
        {
            throw new CryptographicException("A stored secret is not valid base64.", ex);
        }

        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("A stored secret is too short to be encrypted.");
        }

        var clear = new byte[sealedBytes.Length - NonceSize - TagSize];
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), clear,
                Encoding.UTF8.GetBytes(purpose));
        }

        return Encoding.UTF8.GetString(clear);
    }

    /// <summary>True for a value stored in clear, or under a key other than the active one: it should be rewritten.</summary>
    public bool NeedsProtecting(string stored) => !stored.StartsWith(activePrefix, StringComparison.Ordinal);
}

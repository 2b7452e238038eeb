using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BetterData.Grains.Signing;

/// <summary>
/// Standard Webhooks (v1.0.0): <c>webhook-signature: v1,&lt;base64 HMAC-SHA256("id.timestamp.body")&gt;</c>, one
/// space-separated entry per active secret; secrets are <c>whsec_</c> + base64 of the key bytes.
/// </summary>
public static class StandardWebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    private const string SecretPrefix = "whsec_";

    /// <summary>A new secret: <c>whsec_</c> + base64 of 32 random bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static byte[] SecretBytes(string secret) =>
        Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);

    /// <summary>The header value: one <c>v1,</c> entry per key. An endpoint's keys reuse their keyed hashes.</summary>
    public static string Sign(string messageId, long timestamp, ReadOnlySpan<byte> body, IReadOnlyList<HmacKey> keys)
    {
        var size = Encoding.UTF8.GetMaxByteCount(messageId.Length) + 22; // id, '.', a long, '.'
        Span<byte> prefix = size <= 512 ? stackalloc byte[512] : new byte[size];
        var length = Encoding.UTF8.GetBytes(messageId, prefix);
        prefix[length++] = (byte)'.';
        timestamp.TryFormat(prefix[length..], out var written, default, CultureInfo.InvariantCulture);
        length += written;
        prefix[length++] = (byte)'.';
        Span<byte> hash = stackalloc byte[HmacKey.HashSize];
        var signatures = new string[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            keys[i].Compute(prefix[..length], body, hash);
            signatures[i] = "v1," + Convert.ToBase64String(hash);
        }

        return string.Join(' ', signatures);
    }
}

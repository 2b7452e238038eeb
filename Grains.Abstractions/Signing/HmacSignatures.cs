using System.Security.Cryptography;
using System.Text;

namespace BetterData.Grains.Signing;

/// <summary>
/// Body-only HMAC-SHA256 schemes with a base64 header value: Shopify (<c>X-Shopify-Hmac-Sha256</c>,
/// over the raw body) and Square (<c>x-square-hmacsha256-signature</c>, over notification URL + raw body).
/// Pure: bytes in, result out.
/// </summary>
public static class HmacSignatures
{
    public static string ComputeBase64(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return Convert.ToBase64String(hmac.GetHashAndReset());
    }

    /// <summary>Checks a base64 HMAC header against each candidate secret (current and, during rotation, previous).</summary>
    public static SignatureCheck VerifyBase64(string? header, string prefix, ReadOnlySpan<byte> body, IEnumerable<string> secrets)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return SignatureCheck.Missing;
        }

        Span<byte> presented = stackalloc byte[64];
        if (!Convert.TryFromBase64String(header.Trim(), presented, out var length) || length != 32)
        {
            return SignatureCheck.Malformed;
        }

        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        Span<byte> expected = stackalloc byte[32];
        foreach (var secret in secrets)
        {
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
            hmac.AppendData(prefixBytes);
            hmac.AppendData(body);
            hmac.GetHashAndReset(expected);
            if (CryptographicOperations.FixedTimeEquals(expected, presented[..length]))
            {
                return SignatureCheck.Valid;
            }
        }

        return SignatureCheck.Mismatch;
    }
}

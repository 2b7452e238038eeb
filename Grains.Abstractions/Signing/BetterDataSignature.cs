using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BetterData.Grains.Signing;

/// <summary>
/// <c>x-betterdata-signature: t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256("t.body")&gt;[,v1=…]</c>. Used for Better Data
/// Cloud's inbound events and as the second signature on every outbound delivery, so receivers that
/// already verify our inbound scheme can verify deliveries with the same code.
/// </summary>
public static class BetterDataSignature
{
    public const string HeaderName = "x-betterdata-signature";
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    // The signed prefix "{timestamp}.": a long is at most 20 characters.
    private const int MaxPrefix = 21;

    /// <summary>The header value: the timestamp and one <c>v1=</c> per key. An endpoint's keys reuse their keyed hashes.</summary>
    public static string Sign(long timestamp, ReadOnlySpan<byte> body, IReadOnlyList<HmacKey> keys)
    {
        Span<byte> prefix = stackalloc byte[MaxPrefix];
        var length = WritePrefix(timestamp, prefix);
        Span<byte> hash = stackalloc byte[HmacKey.HashSize];
        var builder = new StringBuilder("t=").Append(timestamp.ToString(CultureInfo.InvariantCulture));
        foreach (var key in keys)
        {
            key.Compute(prefix[..length], body, hash);
            builder.Append(",v1=").Append(Convert.ToHexStringLower(hash));
        }

        return builder.ToString();
    }

    public static SignatureCheck Verify(string? header, ReadOnlySpan<byte> body, IReadOnlyList<byte[]> secrets, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return SignatureCheck.Missing;
        }

        long? timestamp = null;
        var candidates = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return SignatureCheck.Malformed;
            }

            var key = part[..eq];
            var value = part[(eq + 1)..];
            if (key == "t")
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                {
                    return SignatureCheck.Malformed;
                }

                timestamp = t;
            }
            else if (key == "v1")
            {
                if (value.Length != 64)
                {
                    return SignatureCheck.Malformed;
                }

                try
                {
                    candidates.Add(Convert.FromHexString(value));
                }
                catch (FormatException)
                {
                    return SignatureCheck.Malformed;
                }
            }
        }

        if (timestamp is null || candidates.Count == 0)
        {
            return SignatureCheck.Malformed;
        }

        var matched = false;
        Span<byte> prefix = stackalloc byte[MaxPrefix];
        var length = WritePrefix(timestamp.Value, prefix);
        Span<byte> expected = stackalloc byte[HmacKey.HashSize];
        foreach (var secret in secrets)
        {
            HmacKey.Compute(secret, prefix[..length], body, expected);
            foreach (var candidate in candidates)
            {
                matched |= CryptographicOperations.FixedTimeEquals(expected, candidate);
            }
        }

        if (!matched)
        {
            return SignatureCheck.Mismatch;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(timestamp.Value);
        return age.Duration() > tolerance ? SignatureCheck.Stale : SignatureCheck.Valid;
    }

    private static int WritePrefix(long timestamp, Span<byte> prefix)
    {
        timestamp.TryFormat(prefix, out var length, default, CultureInfo.InvariantCulture);
        prefix[length] = (byte)'.';
        return length + 1;
    }
}

using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace BetterData.Grains.Billing;

/// <summary>The opaque audit paging cursor: "entries older than this sequence". Opaque so its form may change.</summary>
public static class BillingAuditCursor
{
    public static string Encode(long beforeSequence) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes("a:" + beforeSequence.ToString(CultureInfo.InvariantCulture)));

    public static bool TryDecode(string? cursor, out long beforeSequence)
    {
        beforeSequence = long.MaxValue;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith("a:", StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out beforeSequence);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

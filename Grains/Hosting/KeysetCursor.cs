using System.Globalization;
using System.Text;

namespace BetterData.Grains.Hosting;

/// <summary>An opaque keyset cursor over (created_at, id), newest first, shared by the delivery log and the order list, in both their stores.</summary>
internal static class KeysetCursor
{
    public static string Encode(DateTimeOffset createdAt, string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(createdAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "|" + id));

    public static (DateTimeOffset CreatedAt, string Id)? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            return bar > 0 && long.TryParse(text[..bar], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                ? (new DateTimeOffset(ticks, TimeSpan.Zero), text[(bar + 1)..])
                : throw new ArgumentException("Invalid cursor.", nameof(cursor));
        }
        catch (FormatException)
        {
            throw new ArgumentException("Invalid cursor.", nameof(cursor));
        }
    }
}

using System.Security.Cryptography;
using System.Text;

namespace BetterData.Grains.Delivery;

/// <summary>A delivery a publish creates: the endpoint and the delivery's id.</summary>
public sealed record NewDelivery
{
    private NewDelivery(string endpointId, string deliveryId)
    {
        EndpointId = endpointId;
        DeliveryId = deliveryId;
    }

    public string EndpointId { get; }

    /// <summary><c>dlv_</c>, the message id without its <c>msg_</c>, <c>_</c> and 16 hex digits of the endpoint.</summary>
    public string DeliveryId { get; }

    /// <summary>
    /// The deliveries of one message, with ids derived from the message and the endpoint, so that a repeated publish
    /// derives the same ids and the store's key keeps one delivery per message and endpoint (no second unique index
    /// to write), and a message's deliveries share a key prefix (<see cref="Prefix"/>). The endpoint part is the
    /// first 8 bytes of the endpoint id's SHA-256; should two endpoints of one message ever share them, the later one
    /// in id order hashes again with a counter, which the same set of endpoints repeats.
    /// </summary>
    public static IReadOnlyList<NewDelivery> For(string messageId, IReadOnlyList<string> endpointIds)
    {
        var prefix = Prefix(messageId);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in endpointIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var id = prefix + EndpointPart(endpoint, 0);
            for (var salt = 1; !taken.Add(id); salt++)
            {
                id = prefix + EndpointPart(endpoint, salt);
            }

            ids[endpoint] = id;
        }

        return [.. endpointIds.Select(e => new NewDelivery(e, ids[e]))];
    }

    /// <summary>The key prefix every delivery of the message has: <c>dlv_</c>, the message id without <c>msg_</c>, <c>_</c>.</summary>
    public static string Prefix(string messageId) =>
        "dlv_" + (messageId.StartsWith("msg_", StringComparison.Ordinal) ? messageId["msg_".Length..] : messageId) + "_";

    /// <summary>How many characters follow <see cref="Prefix"/> in a delivery id.</summary>
    public const int EndpointPartLength = 16;

    private static string EndpointPart(string endpointId, int salt)
    {
        var text = salt == 0 ? endpointId : endpointId + "\n" + salt.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..(EndpointPartLength / 2)]);
    }
}

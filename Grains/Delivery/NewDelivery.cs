using System.Collections.Concurrent;
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
        var deliveries = new NewDelivery[endpointIds.Count];
        var ids = new HashSet<string>(endpointIds.Count, StringComparer.Ordinal);
        var distinct = true;
        for (var i = 0; i < deliveries.Length; i++)
        {
            deliveries[i] = new NewDelivery(endpointIds[i], Id(prefix, endpointIds[i], 0));
            distinct &= ids.Add(deliveries[i].DeliveryId);
        }

        return distinct ? deliveries : Disambiguated(prefix, endpointIds);
    }

    // Two endpoints sharing 64 bits of SHA-256 (or an endpoint listed twice): in endpoint id order, each takes the first
    // salt whose id is still free.
    private static NewDelivery[] Disambiguated(string prefix, IReadOnlyList<string> endpointIds)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var byEndpoint = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in endpointIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var id = Id(prefix, endpoint, 0);
            for (var salt = 1; !taken.Add(id); salt++)
            {
                id = Id(prefix, endpoint, salt);
            }

            byEndpoint[endpoint] = id;
        }

        return [.. endpointIds.Select(e => new NewDelivery(e, byEndpoint[e]))];
    }

    /// <summary>The key prefix every delivery of the message has: <c>dlv_</c>, the message id without <c>msg_</c>, <c>_</c>.</summary>
    public static string Prefix(string messageId) =>
        "dlv_" + (messageId.StartsWith("msg_", StringComparison.Ordinal) ? messageId["msg_".Length..] : messageId) + "_";

    /// <summary>How many characters follow <see cref="Prefix"/> in a delivery id.</summary>
    public const int EndpointPartLength = 16;

    // An endpoint's unsalted part, per endpoint id: every publish to an endpoint needs the same one (a SHA-256 per
    // delivery was about 1 % of the CPU samples of PostgreSQL `deliver`). Bounded: emptied when it reaches this many endpoints.
    private const int MaxCachedEndpoints = 100_000;
    private static readonly ConcurrentDictionary<string, string> EndpointParts = new(StringComparer.Ordinal);

    private static string Id(string prefix, string endpointId, int salt)
    {
        if (salt != 0)
        {
            return string.Concat(prefix, EndpointPart(endpointId, salt));
        }

        if (!EndpointParts.TryGetValue(endpointId, out var part))
        {
            if (EndpointParts.Count >= MaxCachedEndpoints)
            {
                EndpointParts.Clear();
            }

            part = EndpointParts.GetOrAdd(endpointId, static id => EndpointPart(id, 0));
        }

        return string.Concat(prefix, part);
    }

    private static string EndpointPart(string endpointId, int salt)
    {
        var text = salt == 0 ? endpointId : endpointId + "\n" + salt.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        Span<char> part = stackalloc char[EndpointPartLength];
        Convert.TryToHexStringLower(hash[..(EndpointPartLength / 2)], part, out _);
        return new string(part);
    }
}

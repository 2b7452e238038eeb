using System.Net;

namespace BetterData.Grains.Delivery;

/// <summary>
/// Which addresses outbound delivery may connect to. Checked on the resolved address at connect time (see
/// <see cref="DeliveryHttp"/>), so a name that re-resolves to an internal address after registration is still refused.
/// </summary>
public static class SsrfGuard
{
    private static readonly IPNetwork[] Blocked =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"), // CGNAT
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), // link-local, including the cloud metadata 169.254.169.254
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/4"), // multicast
        IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("fc00::/7"), // unique local, including AWS's fd00:ec2::254 metadata
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"),
        IPNetwork.Parse("64:ff9b::/96"), // NAT64 can reach any IPv4 address, private ones included
    ];

    public static IReadOnlyList<IPNetwork> ParseNetworks(IEnumerable<string> cidrs) =>
        cidrs.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => IPNetwork.Parse(c.Trim())).ToList();

    public static bool IsAllowed(IPAddress address, IReadOnlyList<IPNetwork> allowed)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in allowed)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        foreach (var network in Blocked)
        {
            if (network.Contains(address))
            {
                return false;
            }
        }

        return true;
    }
}

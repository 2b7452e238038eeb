using System.Net;
using System.Net.Sockets;

namespace BetterData.Api.Tests.Infrastructure;

/// <summary>
/// Hands out loopback ports for servers a test starts later (often in another process).
/// </summary>
/// <remarks>
/// A port asked of the kernel with port 0 comes from the ephemeral range, the same range every outgoing
/// connection (Npgsql, Orleans, HttpClient) takes its local port from; between handing it out and the server's
/// bind, such a connection can take it ("address already in use", seen in CI). So ports come from below the
/// ephemeral range instead, from a random start per process so that test assemblies running side by side
/// rarely meet, never twice in one process, and each one probed with a bind first.
/// </remarks>
public static class FreePort
{
    private const int Lowest = 10_000;
    private static readonly int Highest = EphemeralRangeStart() - 1;
    private static readonly object Gate = new();
    private static int next = Random.Shared.Next(Lowest, Highest + 1);

    public static int Next()
    {
        lock (Gate)
        {
            for (var tried = 0; tried <= Highest - Lowest; tried++)
            {
                var port = next;
                next = port >= Highest ? Lowest : port + 1;
                if (IsFree(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"No free loopback port between {Lowest} and {Highest}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Linux publishes its range; elsewhere assume the IANA one (49152-65535).
    private static int EphemeralRangeStart()
    {
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(RangeFile)
            && int.TryParse(File.ReadAllText(RangeFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], out var start)
            && start > Lowest + 1_000)
        {
            return start;
        }

        return 49_152;
    }
}

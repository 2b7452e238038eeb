using System.Net;
using System.Net.Sockets;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Delivery;

/// <summary>
/// The typed client's primary handler: no redirects (3xx is a failure, as Svix does), SSRF check at connect time. The
/// factory's per-request log lines are removed: every attempt is already a row in the delivery log, and at one
/// request per delivery they cost CPU on the hottest path. So are .NET's HTTP client metrics for this client: they are
/// labelled by server address and port, a series per customer host, which grows without bound with the endpoints
/// (OpenTelemetry keeps at most 2,000 series per metric by default), and
/// <c>betterdata.delivery.attempts</c> and <c>betterdata.delivery.duration</c> already count and time every attempt by
/// result. Traces stay (HttpClient spans when a collector is configured). The Square API client keeps its metrics.
/// </summary>
internal static class DeliveryHttp
{
    public static IHttpClientBuilder AddDeliveryHttpClient(this IServiceCollection services) =>
        services.AddHttpClient<WebhookSender>(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var allowed = SsrfGuard.ParseNetworks(sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.AllowedNetworks);
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, allowed, ct),
                    MeterFactory = UnobservedMeters.Instance, // the factory sets its own only when none is set
                };
            });

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, IReadOnlyList<IPNetwork> allowed, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, ct);
        var permitted = addresses.Where(a => SsrfGuard.IsAllowed(a, allowed)).ToArray();
        if (permitted.Length == 0)
        {
            throw new SsrfRefusedException(endpoint.Host);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

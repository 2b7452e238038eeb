using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Delivery;

/// <summary>
/// The typed client's primary handler: no redirects (3xx is a failure, as Svix does), SSRF check at connect time. The
/// factory's per-request log lines are removed: every attempt is already a row in the delivery log, and at one
/// request per delivery they cost CPU on the hottest path (OpenTelemetry's HTTP client metrics and traces stay).
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

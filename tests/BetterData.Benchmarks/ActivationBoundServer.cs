using BetterData.Api.Tests.Infrastructure;
using System.Text.Json;
using BetterData.Grains.Signing;

namespace BetterData.Benchmarks;

/// <summary>
/// A bound, not a floor: what any design with one Orleans grain per product pays at least. A bare ASP.NET Core
/// endpoint co-hosting a bare silo (localhost clustering, no storage, no dashboard, no telemetry) that verifies the
/// Shopify HMAC like <see cref="FloorServer"/>, reads the product id (the body's first property) and calls an empty
/// grain keyed by shop and product. With a new product per event every request activates a grain that lives on, as a
/// new product's does; with a pool the calls reach grains already active, as updates to a catalog do. Ours can only
/// be slower.
/// </summary>
public sealed class ActivationBoundServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private ActivationBoundServer(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ActivationBoundServer> StartAsync(string secret)
    {
        var builder = FloorServer.CreateBuilder();
        builder.UseOrleans(silo => silo.UseLocalhostClustering(
            FreePort.Next(), FreePort.Next(), serviceId: "bench-bound", clusterId: "bench-bound-" + Guid.NewGuid().ToString("N")[..8]));
        var app = builder.Build();
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        string[] secrets = [secret];
        app.MapPost("/webhooks/shopify", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            var check = HmacSignatures.VerifyBase64(http.Request.Headers["X-Shopify-Hmac-Sha256"], "", buffer.ToArray(), secrets);
            if (check != SignatureCheck.Valid)
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            if (FirstId(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is not { } product)
            {
                return Results.StatusCode(StatusCodes.Status400BadRequest);
            }

            await grains.GetGrain<IActivationProbeGrain>(http.Request.Headers["X-Shopify-Shop-Domain"] + "/" + product).TouchAsync();
            return Results.Json(new { received = true, result = "accepted" });
        });
        await app.StartAsync();
        return new ActivationBoundServer(app, FloorServer.AddressOf(app));
    }

    // The traffic's product id is the body's first property: read that and no more.
    private static long? FirstId(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        return reader.Read() && reader.TokenType == JsonTokenType.StartObject && reader.Read() && reader.ValueTextEquals("id"u8)
            && reader.Read() && reader.TryGetInt64(out var id) ? id : null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await app.StopAsync();
        }
        catch (OperationCanceledException)
        {
            // Hundreds of thousands of activations do not all deactivate within the shutdown timeout; the figures are taken.
        }

        await app.DisposeAsync();
    }
}

public interface IActivationProbeGrain : IGrainWithStringKey
{
    ValueTask TouchAsync();
}

/// <summary>No state and no work: only its activation is measured.</summary>
public sealed class ActivationProbeGrain : Grain, IActivationProbeGrain
{
    public ValueTask TouchAsync() => ValueTask.CompletedTask;
}

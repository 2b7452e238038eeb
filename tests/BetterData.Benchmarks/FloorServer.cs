using System.Net;
using BetterData.Grains.Signing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;

namespace BetterData.Benchmarks;

/// <summary>
/// The floor: a bare ASP.NET Core endpoint in this process that reads the body, verifies the Shopify HMAC with the
/// product's own verifier and answers 200; with a database, it also inserts one row per request. Anything the
/// real pipeline costs above this is ours.
/// </summary>
public sealed class FloorServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private FloorServer(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<FloorServer> StartAsync(string secret, NpgsqlDataSource? database)
    {
        if (database is not null)
        {
            await using var create = database.CreateCommand(
                "CREATE TABLE IF NOT EXISTS floor_events (event_id text PRIMARY KEY, shop text NOT NULL, body bytea NOT NULL)");
            await create.ExecuteNonQueryAsync();
        }

        var app = CreateBuilder().Build();
        string[] secrets = [secret];
        app.MapPost("/webhooks/shopify", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            var body = buffer.ToArray();
            var check = HmacSignatures.VerifyBase64(http.Request.Headers["X-Shopify-Hmac-Sha256"], "", body, secrets);
            if (check != SignatureCheck.Valid)
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            if (database is not null)
            {
                await using var insert = database.CreateCommand("INSERT INTO floor_events (event_id, shop, body) VALUES ($1, $2, $3)");
                insert.Parameters.Add(new NpgsqlParameter { Value = http.Request.Headers["X-Shopify-Event-Id"].ToString() });
                insert.Parameters.Add(new NpgsqlParameter { Value = http.Request.Headers["X-Shopify-Shop-Domain"].ToString() });
                insert.Parameters.Add(new NpgsqlParameter { Value = body });
                await insert.ExecuteNonQueryAsync(http.RequestAborted);
            }

            return Results.Json(new { received = true, result = "accepted" });
        });
        await app.StartAsync();
        return new FloorServer(app, AddressOf(app));
    }

    /// <summary>A slim host on a free loopback port, logging nothing (the reference servers' common start).</summary>
    internal static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        return builder;
    }

    /// <summary>Where a started host listens.</summary>
    internal static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

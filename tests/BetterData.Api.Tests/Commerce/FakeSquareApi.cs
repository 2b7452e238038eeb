using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BetterData.Api.Tests.Commerce;

/// <summary>A local Kestrel server answering Square-shaped JSON for SearchCatalogObjects and RetrieveOrder.</summary>
public sealed class FakeSquareApi : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeSquareApi(WebApplication app) => this.app = app;

    /// <summary>JSON of the SearchCatalogObjects answer.</summary>
    public string CatalogJson { get; set; } = """{"objects":[]}""";

    public ConcurrentDictionary<string, string> Orders { get; } = new();

    /// <summary>How many of the next requests answer 503 (to exercise retries).</summary>
    public int FailNext { get; set; }

    /// <summary>While false every request answers 503, as if Square were down.</summary>
    public bool Up { get; set; } = true;

    public ConcurrentQueue<string> Requests { get; } = new();

    public Uri BaseUrl => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<FakeSquareApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var web = builder.Build();
        var fake = new FakeSquareApi(web);
        web.Use(async (context, next) =>
        {
            fake.Requests.Enqueue($"{context.Request.Method} {context.Request.Path} {context.Request.Headers.Authorization}");
            if (!fake.Up || fake.FailNext > 0)
            {
                fake.FailNext--;
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            await next(context);
        });
        web.MapPost("/v2/catalog/search", () => Results.Text(fake.CatalogJson, "application/json"));
        web.MapGet("/v2/orders/{id}", (string id) =>
            fake.Orders.TryGetValue(id, out var json) ? Results.Text(json, "application/json") : Results.NotFound());
        await web.StartAsync();
        return fake;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

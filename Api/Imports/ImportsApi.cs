using BetterData.Grains.Catalog;
using BetterData.Grains.Imports;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Imports;

/// <summary>
/// Catalog imports: <c>POST /api/tenants/{tenant}/imports</c> with a CSV (<c>text/csv</c>, header row) or JSON array
/// (<c>application/json</c>) body, up to 64 MiB and 50,000 rows, answered 202 once the upload is stored; then
/// <c>GET .../imports/{importId}</c> for status, counts, progress and the first row errors.
/// </summary>
public static class ImportsApi
{
    public const long MaxUploadBytes = 64L * 1024 * 1024;
    private const int ChunkBytes = 256 * 1024;

    public static RouteGroupBuilder MapImportsApi(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/imports").WithTags("Imports");
        group.MapPost("/", UploadAsync)
            .WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes))
            .Accepts<string>("text/csv", "application/json")
            .WithSummary("Upload a product catalog (CSV with a header row, or a JSON array). 202 once the upload is durable.");
        group.MapGet("/{importId}", GetAsync).WithSummary("An import's status, counts, progress and first row errors.");
        return group;
    }

    private static async Task<Results<Accepted<ImportView>, ProblemHttpResult>> UploadAsync(
        string tenant, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        ImportFormat? format = mediaType switch
        {
            "text/csv" => ImportFormat.Csv,
            "application/json" => ImportFormat.Json,
            _ => null,
        };
        if (format is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "Send text/csv (with a header row) or application/json (an array of objects).");
        }

        // Stored chunk by chunk as it arrives: memory stays flat in the file size, and every byte is durable before 202.
        var importId = "imp_" + Guid.CreateVersion7().ToString("N");
        var grain = grains.GetGrain<IImportGrain>(CommerceKeys.Of(tenant, importId));
        var buffer = new byte[ChunkBytes];
        var chunks = 0;
        var bytes = 0L;
        while (true)
        {
            var filled = 0;
            int read;
            while (filled < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
            }

            if (filled == 0)
            {
                break;
            }

            await grain.AppendChunkAsync(chunks++, buffer[..filled]);
            bytes += filled;
            if (filled < buffer.Length)
            {
                break;
            }
        }

        var view = await grain.StartAsync(format.Value, chunks, bytes);
        return TypedResults.Accepted($"/api/tenants/{tenant}/imports/{importId}", view);
    }

    private static async Task<Results<Ok<ImportView>, NotFound>> GetAsync(string tenant, string importId, IGrainFactory grains) =>
        await grains.GetGrain<IImportGrain>(CommerceKeys.Of(tenant, importId)).GetAsync() is { } view
            ? TypedResults.Ok(view)
            : TypedResults.NotFound();
}

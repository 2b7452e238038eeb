using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace BetterData.Grains.Imports;

/// <summary>
/// Streams a catalog file's rows: CSV with a header row, or a JSON array of objects. A file that cannot be read at all
/// (no header, missing required columns, not a JSON array, broken syntax) throws <see cref="InvalidDataException"/>.
/// </summary>
internal static class CatalogFileReader
{
    public static IAsyncEnumerable<CatalogRow> ReadAsync(Stream stream, ImportFormat format) =>
        format == ImportFormat.Csv ? ReadCsvAsync(stream) : ReadJsonAsync(stream);

    private static async IAsyncEnumerable<CatalogRow> ReadCsvAsync(Stream stream)
    {
        using var text = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        var csv = new CsvRecordReader(text);
        var header = await ReadCsvRecordAsync(csv) ?? throw new InvalidDataException("The file is empty: a header row is required.");
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            columns.TryAdd(header.Fields[i].Trim(), i);
        }

        var missing = CatalogRowParser.RequiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"The header row lacks required columns: {string.Join(", ", missing)}.");
        }

        while (await ReadCsvRecordAsync(csv) is { } record)
        {
            var fields = record.Fields;
            // A row with too many fields keeps its product id when it has one, so it rejects its product with it.
            yield return fields.Count > header.Fields.Count
                ? new CatalogRow(record.Line, NonEmpty(fields[columns["product_id"]]), new ImportRowError(record.Line, null, $"{fields.Count} fields; the header has {header.Fields.Count}."))
                : CatalogRowParser.Parse(record.Line, name => columns.TryGetValue(name, out var i) && i < fields.Count ? fields[i] : null);
        }
    }

    private static string? NonEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static async Task<(long Line, List<string> Fields)?> ReadCsvRecordAsync(CsvRecordReader csv)
    {
        try
        {
            return await csv.ReadAsync();
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidDataException("The file is not UTF-8 text.", ex);
        }
    }

    private static async IAsyncEnumerable<CatalogRow> ReadJsonAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var elements = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, cancellationToken: cancellationToken);
        var index = 0L;
        await using var e = elements.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"Not a JSON array of objects: {ex.Message}", ex);
            }

            var element = e.Current;
            index++;
            yield return element.ValueKind != JsonValueKind.Object
                ? new CatalogRow(index, null, new ImportRowError(index, null, "Each element must be a JSON object."))
                : CatalogRowParser.Parse(index, name => Text(element, name));
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            }
            : null;
}

using System.Text.Json.Serialization;

namespace BetterData.Grains.Imports;

[JsonConverter(typeof(JsonStringEnumConverter<ImportFormat>))]
public enum ImportFormat
{
    [JsonStringEnumMemberName("csv")] Csv,
    [JsonStringEnumMemberName("json")] Json,
}

using System.Text.Json.Serialization;

namespace BetterData.Grains.Loops;

[JsonConverter(typeof(JsonStringEnumConverter<LoopTransitionStatus>))]
public enum LoopTransitionStatus
{
    [JsonStringEnumMemberName("applied")] Applied,
    [JsonStringEnumMemberName("duplicate")] Duplicate,
    [JsonStringEnumMemberName("illegal")] Illegal,
}

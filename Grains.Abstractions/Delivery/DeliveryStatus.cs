using System.Text.Json.Serialization;

namespace BetterData.Grains.Delivery;

/// <summary>Where one message stands for one endpoint. Names appear lower-case in the API.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeliveryStatus>))]
public enum DeliveryStatus
{
    [JsonStringEnumMemberName("pending")] Pending = 0,
    [JsonStringEnumMemberName("retrying")] Retrying = 1,
    [JsonStringEnumMemberName("succeeded")] Succeeded = 2,
    [JsonStringEnumMemberName("failed")] Failed = 3,
}

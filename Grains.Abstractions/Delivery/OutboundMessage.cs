namespace BetterData.Grains.Delivery;

/// <summary>One published event. <paramref name="Body"/> is the exact JSON sent: <c>{id, type, timestamp, tenantId, data}</c>.</summary>
[GenerateSerializer, Immutable, Alias("outbound-message")]
public sealed record OutboundMessage(
    [property: Id(0)] string Id,
    [property: Id(1)] string TenantId,
    [property: Id(2)] string Type,
    [property: Id(3)] DateTimeOffset Timestamp,
    [property: Id(4)] string Body);

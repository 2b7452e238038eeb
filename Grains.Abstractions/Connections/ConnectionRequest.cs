namespace BetterData.Grains.Connections;

/// <summary>What a tenant sends to connect a store. A new <paramref name="Secret"/> starts a rotation.</summary>
[GenerateSerializer, Immutable, Alias("connection-request")]
public sealed record ConnectionRequest(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string Secret,
    [property: Id(2)] string? NotificationUrl,
    [property: Id(3)] string? AccessToken,
    [property: Id(4)] string? ApiBaseUrl);

namespace BetterData.Grains.Connections;

/// <summary>A connection as the API shows it: identifiers and rotation status, never a secret or token.</summary>
[GenerateSerializer, Immutable, Alias("connection-view")]
public sealed record ConnectionView(
    [property: Id(0)] string Provider,
    [property: Id(1)] string ExternalId,
    [property: Id(2)] string TenantId,
    [property: Id(3)] DateTimeOffset UpdatedAt,
    [property: Id(4)] DateTimeOffset? PreviousSecretValidUntil,
    [property: Id(5)] string? NotificationUrl,
    [property: Id(6)] string? ApiBaseUrl,
    [property: Id(7)] bool HasAccessToken);

namespace BetterData.Grains.Delivery;

/// <summary>An endpoint as the API shows it. Secrets are never part of it.</summary>
[GenerateSerializer, Immutable, Alias("endpoint-info")]
public sealed record EndpointInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string TenantId,
    [property: Id(2)] string Url,
    [property: Id(3)] string? Description,
    [property: Id(4)] IReadOnlyList<string> EventTypes,
    [property: Id(5)] bool Enabled,
    [property: Id(6)] string? DisabledReason,
    [property: Id(7)] IReadOnlyDictionary<string, string> Headers,
    [property: Id(8)] int? RateLimitPerSecond,
    [property: Id(9)] bool Managed,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset? FailingSince);

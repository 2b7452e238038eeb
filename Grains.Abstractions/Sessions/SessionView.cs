namespace BetterData.Grains.Sessions;

[GenerateSerializer, Immutable, Alias("session-view")]
public sealed record SessionView(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string TenantId,
    [property: Id(2)] string Status,
    [property: Id(3)] IReadOnlyList<string> Interests,
    [property: Id(4)] string? OrderId,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset LastActivityAt,
    [property: Id(7)] DateTimeOffset? CompletedAt);

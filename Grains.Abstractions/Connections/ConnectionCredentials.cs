namespace BetterData.Grains.Connections;

/// <summary>What the verifier and the Square client need. Travels only between silo and API node, never to a client.</summary>
[GenerateSerializer, Immutable, Alias("connection-credentials")]
public sealed record ConnectionCredentials(
    [property: Id(0)] string TenantId,
    [property: Id(1)] IReadOnlyList<string> Secrets,
    [property: Id(2)] string? NotificationUrl,
    [property: Id(3)] string? AccessToken,
    [property: Id(4)] string? ApiBaseUrl);

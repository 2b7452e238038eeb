namespace BetterData.Grains.Delivery;

/// <summary>What a tenant asks for when it registers an endpoint. No event types means every catalog type.</summary>
[GenerateSerializer, Immutable, Alias("endpoint-spec")]
public sealed record EndpointSpec(
    [property: Id(0)] string Url,
    [property: Id(1)] string? Description,
    [property: Id(2)] IReadOnlyList<string> EventTypes,
    [property: Id(3)] bool Enabled,
    [property: Id(4)] IReadOnlyDictionary<string, string> Headers,
    [property: Id(5)] int? RateLimitPerSecond,
    [property: Id(6)] bool Managed = false);

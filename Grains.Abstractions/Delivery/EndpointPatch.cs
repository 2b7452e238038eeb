namespace BetterData.Grains.Delivery;

/// <summary>A partial update; null members are left as they are.</summary>
[GenerateSerializer, Immutable, Alias("endpoint-patch")]
public sealed record EndpointPatch(
    [property: Id(0)] string? Url,
    [property: Id(1)] string? Description,
    [property: Id(2)] IReadOnlyList<string>? EventTypes,
    [property: Id(3)] bool? Enabled,
    [property: Id(4)] IReadOnlyDictionary<string, string>? Headers,
    [property: Id(5)] int? RateLimitPerSecond);

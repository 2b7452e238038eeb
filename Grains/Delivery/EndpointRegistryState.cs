namespace BetterData.Grains.Delivery;

/// <summary>A tenant's endpoint ids with their filters (bounded by the plan's MaxEndpoints plus managed ones).</summary>
[GenerateSerializer, Alias("endpoint-registry-state")]
public sealed class EndpointRegistryState
{
    [Id(0)] public Dictionary<string, RegisteredEndpoint> Endpoints { get; set; } = new(StringComparer.Ordinal);
}

[GenerateSerializer, Immutable, Alias("registered-endpoint")]
public sealed record RegisteredEndpoint(
    [property: Id(0)] IReadOnlyList<string> EventTypes,
    [property: Id(1)] string? ManagedKey);

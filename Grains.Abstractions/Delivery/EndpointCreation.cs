namespace BetterData.Grains.Delivery;

/// <summary>
/// The answer to a create: the endpoint and its signing secret (shown only here and on rotation), or the
/// capability that refused it (<see cref="BetterData.Grains.Billing.Capabilities"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("endpoint-creation")]
public sealed record EndpointCreation(
    [property: Id(0)] EndpointInfo? Endpoint,
    [property: Id(1)] string? Secret,
    [property: Id(2)] string? RefusedCapability,
    [property: Id(3)] string? Detail);

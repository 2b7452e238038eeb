using BetterData.Grains.Delivery;

namespace BetterData.Api.Delivery;

/// <summary>The new endpoint and its signing secret, shown only here and on rotation.</summary>
public sealed record CreatedEndpoint(EndpointInfo Endpoint, string Secret);

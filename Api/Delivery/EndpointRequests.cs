namespace BetterData.Api.Delivery;

/// <summary>Body of <c>POST</c> and <c>PATCH .../endpoints</c>; on PATCH, absent members are unchanged.</summary>
public sealed record EndpointRequest(
    string? Url,
    string? Description,
    IReadOnlyList<string>? EventTypes,
    bool? Enabled,
    IReadOnlyDictionary<string, string>? Headers,
    int? RateLimitPerSecond);

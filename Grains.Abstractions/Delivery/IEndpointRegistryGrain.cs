namespace BetterData.Grains.Delivery;

/// <summary>
/// A tenant's endpoints (key: tenant id): which exist and which event types each takes, so that publishing fans out
/// without asking every endpoint. Enforces the plan's <c>OutboundWebhooks</c> and <c>MaxEndpoints</c>.
/// </summary>
public interface IEndpointRegistryGrain : IGrainWithStringKey
{
    Task<EndpointCreation> CreateEndpointAsync(EndpointSpec spec);

    Task<IReadOnlyList<EndpointInfo>> ListEndpointsAsync();

    /// <summary>The ids of the tenant's endpoints, without activating them.</summary>
    Task<IReadOnlyList<string>> ListEndpointIdsAsync();

    /// <summary>Null when the endpoint is not this tenant's.</summary>
    Task<EndpointInfo?> UpdateEndpointAsync(string endpointId, EndpointPatch patch);

    Task<bool> DeleteEndpointAsync(string endpointId);

    Task<bool> OwnsAsync(string endpointId);

    /// <summary>The endpoints whose filters select the event type.</summary>
    Task<IReadOnlyList<string>> MatchAsync(string eventType);

    /// <summary>
    /// A platform-managed endpoint named by <paramref name="key"/> (e.g. a merchant's <c>webhookUrl</c>, subscribed to
    /// <c>federation.*</c>): created or re-pointed to the URL; null URL removes it. Not counted against MaxEndpoints.
    /// A given <paramref name="secret"/> is used instead of a generated one when the endpoint is created.
    /// </summary>
    Task<string?> SetManagedEndpointAsync(string key, string? url, IReadOnlyList<string> eventTypes, string? secret = null);
}

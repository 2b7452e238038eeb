using BetterData.Grains.Billing;
using BetterData.Grains.Events;
using BetterData.Grains.Hosting;

namespace BetterData.Grains.Delivery;

/// <summary>A tenant's endpoints: creation under plan limits, and the filter index publishing fans out with.</summary>
public sealed class EndpointRegistryGrain(
    [PersistentState("endpoint-registry", StorageNames.Default)] IPersistentState<EndpointRegistryState> state) : Grain, IEndpointRegistryGrain
{
    private string TenantId => this.GetPrimaryKeyString();

    public async Task<EndpointCreation> CreateEndpointAsync(EndpointSpec spec)
    {
        var capabilities = await GrainFactory.GetGrain<ITenantCapabilitiesGrain>(TenantId).GetCapabilitiesAsync();
        if (!capabilities.OutboundWebhooks)
        {
            return new EndpointCreation(null, null, Capabilities.OutboundWebhooks, $"The {capabilities.Plan} plan does not include outbound webhooks.");
        }

        var own = state.State.Endpoints.Values.Count(e => e.ManagedKey is null);
        if (own >= capabilities.MaxEndpoints)
        {
            return new EndpointCreation(null, null, Capabilities.MaxEndpoints,
                $"The {capabilities.Plan} plan allows {capabilities.MaxEndpoints} endpoint(s).");
        }

        var (info, secret) = await AddAsync(spec with { Managed = false }, null, null);
        return new EndpointCreation(info, secret, null, null);
    }

    public async Task<IReadOnlyList<EndpointInfo>> ListEndpointsAsync()
    {
        var infos = await Task.WhenAll(state.State.Endpoints.Keys.Select(id => GrainFactory.GetGrain<IEndpointDeliveryGrain>(id).GetAsync()));
        return infos.OfType<EndpointInfo>().OrderBy(e => e.CreatedAt).ToList();
    }

    public Task<IReadOnlyList<string>> ListEndpointIdsAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Endpoints.Keys.Order(StringComparer.Ordinal)]);

    public async Task<EndpointInfo?> UpdateEndpointAsync(string endpointId, EndpointPatch patch)
    {
        if (!state.State.Endpoints.TryGetValue(endpointId, out var registered))
        {
            return null;
        }

        var info = await GrainFactory.GetGrain<IEndpointDeliveryGrain>(endpointId).UpdateAsync(patch);
        if (patch.EventTypes is { } types)
        {
            await ChangeAsync(() => state.State.Endpoints[endpointId] = registered with { EventTypes = types });
        }

        return info;
    }

    public async Task<bool> DeleteEndpointAsync(string endpointId)
    {
        if (!state.State.Endpoints.ContainsKey(endpointId))
        {
            return false;
        }

        await ChangeAsync(() => state.State.Endpoints.Remove(endpointId));
        await GrainFactory.GetGrain<IEndpointDeliveryGrain>(endpointId).DeleteAsync();
        return true;
    }

    public Task<bool> OwnsAsync(string endpointId) => Task.FromResult(state.State.Endpoints.ContainsKey(endpointId));

    public Task<IReadOnlyList<string>> MatchAsync(string eventType) =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Endpoints
            .Where(e => Events.EventTypes.Matches(e.Value.EventTypes.ToList(), eventType))
            .Select(e => e.Key)
            .ToList());

    public async Task<string?> SetManagedEndpointAsync(string key, string? url, IReadOnlyList<string> eventTypes, string? secret = null)
    {
        var existing = state.State.Endpoints.FirstOrDefault(e => e.Value.ManagedKey == key).Key;
        if (url is null)
        {
            if (existing is not null)
            {
                await DeleteEndpointAsync(existing);
            }

            return null;
        }

        if (existing is not null)
        {
            await UpdateEndpointAsync(existing, new EndpointPatch(url, null, eventTypes, null, null, null));
            return existing;
        }

        var spec = new EndpointSpec(url, "Managed: " + key, eventTypes, true, new Dictionary<string, string>(), null, Managed: true);
        return (await AddAsync(spec, key, secret)).Info.Id;
    }

    private async Task<(EndpointInfo Info, string Secret)> AddAsync(EndpointSpec spec, string? managedKey, string? givenSecret)
    {
        var id = "ep_" + Guid.NewGuid().ToString("N");
        var endpoint = GrainFactory.GetGrain<IEndpointDeliveryGrain>(id);
        var secret = await endpoint.CreateAsync(TenantId, spec, givenSecret);
        await ChangeAsync(() => state.State.Endpoints[id] = new RegisteredEndpoint(spec.EventTypes, managedKey));
        return ((await endpoint.GetAsync())!, secret);
    }

    // Publishing caches which endpoints match an event type: every change goes through its bracket.
    private Task ChangeAsync(Action change) =>
        GrainFactory.GetGrain<ITenantEventsGrain>(TenantId).ChangePublishingRulesAsync(async () =>
        {
            change();
            await state.WriteStateAsync();
            return true;
        });
}

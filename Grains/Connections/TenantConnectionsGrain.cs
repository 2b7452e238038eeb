using BetterData.Grains.Hosting;

namespace BetterData.Grains.Connections;

/// <summary>A tenant's connection keys, one small state row (a tenant connects a handful of stores).</summary>
public sealed class TenantConnectionsGrain(
    [PersistentState("tenant-connections", StorageNames.Default)] IPersistentState<TenantConnectionsState> state) : Grain, ITenantConnectionsGrain
{
    public async Task AddAsync(string connectionKey)
    {
        var keys = state.State.Keys;
        var at = keys.BinarySearch(connectionKey, StringComparer.Ordinal);
        if (at >= 0)
        {
            return;
        }

        keys.Insert(~at, connectionKey);
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string connectionKey)
    {
        if (state.State.Keys.Remove(connectionKey))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Keys]);
}

[GenerateSerializer, Alias("tenant-connections-state")]
public sealed class TenantConnectionsState
{
    // Sorted (ordinal).
    [Id(0)] public List<string> Keys { get; set; } = [];
}

using BetterData.Grains.Hosting;

namespace BetterData.Grains.Tenants;

/// <summary>
/// The tenant list. All of it is one state row, rewritten when a tenant is added: tenants are created rarely, and at
/// about 100 bytes each a hundred thousand of them are a 10 MB row, where a table of their own would be the next step.
/// </summary>
public sealed class TenantDirectoryGrain(
    [PersistentState("tenant-directory", StorageNames.Default)] IPersistentState<TenantDirectoryState> state) : Grain, ITenantDirectoryGrain
{
    public async Task AddAsync(TenantInfo tenant)
    {
        if (state.State.Tenants.TryGetValue(tenant.Id, out var held) && held == tenant)
        {
            return;
        }

        state.State.Tenants[tenant.Id] = tenant;
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string tenantId)
    {
        if (state.State.Tenants.Remove(tenantId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<TenantPage> ListAsync(string? after, int limit)
    {
        var page = state.State.Tenants.Values
            .Where(t => after is null || string.CompareOrdinal(t.Id, after) > 0)
            .OrderBy(t => t.Id, StringComparer.Ordinal)
            .Take(limit + 1)
            .ToList();
        return Task.FromResult(page.Count > limit
            ? new TenantPage(page[..limit], page[limit - 1].Id)
            : new TenantPage(page, null));
    }
}

[GenerateSerializer, Alias("tenant-directory-state")]
public sealed class TenantDirectoryState
{
    [Id(0)] public Dictionary<string, TenantInfo> Tenants { get; set; } = new(StringComparer.Ordinal);
}

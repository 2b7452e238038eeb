using System.Security.Cryptography;
using BetterData.Grains.Connections;
using BetterData.Grains.Delivery;
using BetterData.Grains.Demand;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Tenants;

public sealed partial class TenantGrain(
    [PersistentState("tenant", StorageNames.Default)] IPersistentState<TenantState> state,
    TimeProvider time,
    IOptions<DemandOptions> demandOptions,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain
{
    // A tenant whose add to the directory did not complete (a crash between the two writes, or a tenant created
    // before the directory existed) adds itself when it next activates: every request with its key activates it.
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists && !state.State.Listed && state.State.DeletedAt is null)
        {
            await TryListAsync();
        }
    }

    public async Task<bool> CreateAsync(string name, byte[] apiKeyHash)
    {
        if (state.RecordExists)
        {
            return false;
        }

        state.State = new TenantState { Name = name, ApiKeyHash = apiKeyHash, CreatedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        await TryListAsync();
        return true;
    }

    // Best effort: the tenant works without its listing (and its creator must get the key it was just issued), so a
    // failure is logged and the next activation tries again.
    private async Task TryListAsync()
    {
        try
        {
            await GrainFactory.GetGrain<ITenantDirectoryGrain>(0).AddAsync(new TenantInfo(this.GetPrimaryKeyString(), state.State.Name, state.State.CreatedAt));
            state.State.Listed = true;
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            LogListingFailed(logger, ex, this.GetPrimaryKeyString());
        }
    }

    public async Task<bool> ReplaceApiKeyAsync(byte[] apiKeyHash)
    {
        if (!Exists)
        {
            return false;
        }

        state.State.ApiKeyHash = apiKeyHash;
        await state.WriteStateAsync();
        return true;
    }

    public Task<TenantInfo?> GetAsync() =>
        Task.FromResult(Exists ? new TenantInfo(this.GetPrimaryKeyString(), state.State.Name, state.State.CreatedAt) : null);

    public Task<bool> VerifyApiKeyAsync(byte[] apiKeyHash) =>
        Task.FromResult(Exists && CryptographicOperations.FixedTimeEquals(state.State.ApiKeyHash, apiKeyHash));

    public Task<DemandSettings?> GetDemandSettingsAsync() => Task.FromResult(Exists ? DemandSettings() : null);

    public async Task<DemandSettings?> SetStockoutCoverDaysAsync(double? days)
    {
        if (days is { } value && !DemandOptions.IsCoverThreshold(value))
        {
            throw new ArgumentOutOfRangeException(nameof(days), value, $"Between {DemandOptions.MinCoverDays} and {DemandOptions.MaxCoverDays} days.");
        }

        if (!Exists)
        {
            return null;
        }

        var before = state.State.StockoutCoverDays;
        state.State.StockoutCoverDays = days;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.StockoutCoverDays = before; // interleaved reads must not see a value that was not stored
            throw;
        }

        return DemandSettings();
    }

    private DemandSettings DemandSettings() => state.State.StockoutCoverDays is { } own
        ? new DemandSettings(own, "tenant")
        : demandOptions.Value.ConfiguredThresholdFor(this.GetPrimaryKeyString());

    public async Task<IReadOnlyList<string>?> DeleteAsync()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        var tenantId = this.GetPrimaryKeyString();
        if (state.State.DeletedAt is null)
        {
            // First, so the key stops working before anything else goes; the key hash goes with it.
            state.State.DeletedAt = time.GetUtcNow();
            state.State.ApiKeyHash = [];
            await state.WriteStateAsync();
        }

        // Each step is idempotent, so a repeated delete finishes one that stopped half-way.
        var registry = GrainFactory.GetGrain<IEndpointRegistryGrain>(tenantId);
        foreach (var endpointId in await registry.ListEndpointIdsAsync())
        {
            await registry.DeleteEndpointAsync(endpointId);
        }

        var connections = GrainFactory.GetGrain<ITenantConnectionsGrain>(tenantId);
        var released = await connections.ListAsync();
        foreach (var key in released)
        {
            await GrainFactory.GetGrain<ICommerceConnectionGrain>(key).ReleaseAsync(tenantId);
            await connections.RemoveAsync(key);
        }

        await GrainFactory.GetGrain<ITenantDirectoryGrain>(0).RemoveAsync(tenantId);
        LogDeleted(logger, tenantId);
        return released;
    }

    private bool Exists => state.RecordExists && state.State.DeletedAt is null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} could not be added to the tenant directory; it tries again when it next activates")]
    private static partial void LogListingFailed(ILogger logger, Exception exception, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} deleted: key revoked, endpoints deleted, connections released, unlisted")]
    private static partial void LogDeleted(ILogger logger, string tenantId);
}

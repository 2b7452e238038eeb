using System.Security.Cryptography;
using BetterData.Grains.Hosting;

namespace BetterData.Grains.Tenants;

public sealed class TenantGrain(
    [PersistentState("tenant", StorageNames.Default)] IPersistentState<TenantState> state,
    TimeProvider time) : Grain, ITenantGrain
{
    public async Task<bool> CreateAsync(string name, byte[] apiKeyHash)
    {
        if (state.RecordExists)
        {
            return false;
        }

        state.State = new TenantState { Name = name, ApiKeyHash = apiKeyHash, CreatedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        return true;
    }

    public async Task<bool> ReplaceApiKeyAsync(byte[] apiKeyHash)
    {
        if (!state.RecordExists)
        {
            return false;
        }

        state.State.ApiKeyHash = apiKeyHash;
        await state.WriteStateAsync();
        return true;
    }

    public Task<TenantInfo?> GetAsync() =>
        Task.FromResult(state.RecordExists ? new TenantInfo(this.GetPrimaryKeyString(), state.State.Name, state.State.CreatedAt) : null);

    public Task<bool> VerifyApiKeyAsync(byte[] apiKeyHash) =>
        Task.FromResult(state.RecordExists && CryptographicOperations.FixedTimeEquals(state.State.ApiKeyHash, apiKeyHash));
}

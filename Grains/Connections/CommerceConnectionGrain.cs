using BetterData.Grains.Catalog;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Connections;

public sealed class CommerceConnectionGrain(
    [PersistentState("commerce-connection", StorageNames.Default)] IPersistentState<CommerceConnectionState> state,
    IOptions<CommerceOptions> options,
    TimeProvider time) : Grain, ICommerceConnectionGrain
{
    public async Task<ConnectionView?> ConnectAsync(ConnectionRequest request)
    {
        if (state.RecordExists && state.State.TenantId != request.TenantId)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var s = state.State;
        if (state.RecordExists && s.Secret != request.Secret)
        {
            // Rotation: the provider may keep signing with the old secret for a while (Shopify: up to an hour).
            s.PreviousSecret = s.Secret;
            s.PreviousSecretValidUntil = now + options.Value.SecretRotationGrace;
        }

        s.TenantId = request.TenantId;
        s.Secret = request.Secret;
        s.NotificationUrl = request.NotificationUrl;
        s.AccessToken = request.AccessToken ?? s.AccessToken;
        s.ApiBaseUrl = request.ApiBaseUrl;
        s.UpdatedAt = now;
        await state.WriteStateAsync();
        return View();
    }

    public Task<ConnectionCredentials?> GetCredentialsAsync()
    {
        if (!state.RecordExists)
        {
            return Task.FromResult<ConnectionCredentials?>(null);
        }

        var s = state.State;
        List<string> secrets = [s.Secret];
        if (s.PreviousSecret is { } previous && s.PreviousSecretValidUntil > time.GetUtcNow())
        {
            secrets.Add(previous);
        }

        return Task.FromResult<ConnectionCredentials?>(new(s.TenantId, secrets, s.NotificationUrl, s.AccessToken, s.ApiBaseUrl));
    }

    public Task<ConnectionView?> GetAsync() => Task.FromResult(state.RecordExists ? View() : null);

    private ConnectionView View()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var s = state.State;
        var graceEnd = s.PreviousSecretValidUntil > time.GetUtcNow() ? s.PreviousSecretValidUntil : null;
        return new ConnectionView(key[..slash], key[(slash + 1)..], s.TenantId, s.UpdatedAt, graceEnd, s.NotificationUrl, s.ApiBaseUrl,
            s.AccessToken is not null);
    }
}

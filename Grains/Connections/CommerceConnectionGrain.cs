using BetterData.Grains.Catalog;
using BetterData.Grains.Hosting;
using BetterData.Grains.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Connections;

public sealed partial class CommerceConnectionGrain(
    [PersistentState("commerce-connection", StorageNames.Default)] IPersistentState<CommerceConnectionState> state,
    IOptions<CommerceOptions> options,
    SecretProtector protector,
    TimeProvider time,
    ILogger<CommerceConnectionGrain> logger) : Grain, ICommerceConnectionGrain
{
    // The state holds the secrets and the access token encrypted (SecretProtector); these are them in clear, read
    // once per activation.
    private string secret = "";
    private string? previousSecret;
    private string? accessToken;

    // Whether this activation rewrote the stored secrets under the active key.
    private bool resealed;

    private string Purpose => "commerce-connection/" + this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists)
        {
            return;
        }

        var s = state.State;
        secret = protector.Unprotect(s.Secret, Purpose);
        previousSecret = s.PreviousSecret is { } previous ? protector.Unprotect(previous, Purpose) : null;
        accessToken = s.AccessToken is { } token ? protector.Unprotect(token, Purpose) : null;
        // Stored in clear (before encryption existed) or under a retired key: rewrite it under the active key. Keys
        // change only with a restart, so this is the one place that can find any.
        if (protector.NeedsProtecting(s.Secret) || s.PreviousSecret is { } p && protector.NeedsProtecting(p)
            || s.AccessToken is { } t && protector.NeedsProtecting(t))
        {
            Seal();
            await state.WriteStateAsync(cancellationToken);
            resealed = true;
        }

        if (!s.Listed)
        {
            await TryListAsync();
        }
    }

    public Task<bool> ResealSecretsAsync() => Task.FromResult(resealed);

    public async Task<ConnectionView?> ConnectAsync(ConnectionRequest request)
    {
        if (state.RecordExists && state.State.TenantId != request.TenantId)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var s = state.State;
        if (state.RecordExists && secret != request.Secret)
        {
            // Rotation: the provider may keep signing with the old secret for a while (Shopify: up to an hour).
            previousSecret = secret;
            s.PreviousSecretValidUntil = now + options.Value.SecretRotationGrace;
        }

        s.TenantId = request.TenantId;
        secret = request.Secret;
        s.NotificationUrl = request.NotificationUrl;
        accessToken = request.AccessToken ?? accessToken;
        s.ApiBaseUrl = request.ApiBaseUrl;
        s.UpdatedAt = now;
        Seal();
        await state.WriteStateAsync();
        if (!s.Listed)
        {
            await TryListAsync();
        }

        return View();
    }

    // Best effort: the connection works without its listing, so a failure is logged and its next activation tries again.
    private async Task TryListAsync()
    {
        try
        {
            await GrainFactory.GetGrain<ITenantConnectionsGrain>(state.State.TenantId).AddAsync(this.GetPrimaryKeyString());
            state.State.Listed = true;
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            LogListingFailed(logger, ex, this.GetPrimaryKeyString(), state.State.TenantId);
        }
    }

    private void Seal()
    {
        var s = state.State;
        s.Secret = protector.Protect(secret, Purpose);
        s.PreviousSecret = previousSecret is null ? null : protector.Protect(previousSecret, Purpose);
        s.AccessToken = accessToken is null ? null : protector.Protect(accessToken, Purpose);
    }

    public Task<ConnectionCredentials?> GetCredentialsAsync()
    {
        if (!state.RecordExists)
        {
            return Task.FromResult<ConnectionCredentials?>(null);
        }

        var s = state.State;
        List<string> secrets = [secret];
        if (previousSecret is { } previous && s.PreviousSecretValidUntil > time.GetUtcNow())
        {
            secrets.Add(previous);
        }

        return Task.FromResult<ConnectionCredentials?>(new(s.TenantId, secrets, s.NotificationUrl, accessToken, s.ApiBaseUrl));
    }

    public async Task<bool> ReleaseAsync(string tenantId)
    {
        if (!state.RecordExists)
        {
            return true;
        }

        if (state.State.TenantId != tenantId)
        {
            return false;
        }

        await state.ClearStateAsync();
        state.State = new CommerceConnectionState();
        (secret, previousSecret, accessToken) = ("", null, null);
        return true;
    }

    public Task<ConnectionView?> GetAsync() => Task.FromResult(state.RecordExists ? View() : null);

    private ConnectionView View()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var s = state.State;
        var graceEnd = s.PreviousSecretValidUntil > time.GetUtcNow() ? s.PreviousSecretValidUntil : null;
        return new ConnectionView(key[..slash], key[(slash + 1)..], s.TenantId, s.UpdatedAt, graceEnd, s.NotificationUrl, s.ApiBaseUrl,
            accessToken is not null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionKey} could not be added to tenant {TenantId}'s connection list; it tries again when it next activates")]
    private static partial void LogListingFailed(ILogger logger, Exception exception, string connectionKey, string tenantId);
}

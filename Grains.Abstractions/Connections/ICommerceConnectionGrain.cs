namespace BetterData.Grains.Connections;

/// <summary>
/// One store connection (key: <c>shopify/{shop domain}</c> or <c>square/{merchant id}</c>): which tenant owns the shop or
/// merchant, and the secrets that authenticate its webhooks. Inbound webhooks find their tenant here.
/// </summary>
public interface ICommerceConnectionGrain : IGrainWithStringKey
{
    /// <summary>Creates or updates the connection. Null when another tenant owns this shop or merchant.</summary>
    Task<ConnectionView?> ConnectAsync(ConnectionRequest request);

    /// <summary>The owning tenant and the secrets valid now (current, and the previous one during its grace period); null when unknown.</summary>
    Task<ConnectionCredentials?> GetCredentialsAsync();

    /// <summary>
    /// Forgets the connection if <paramref name="tenantId"/> owns it (its tenant was deleted): its webhooks then
    /// answer as for an unknown store, and another tenant may connect it. False when another tenant owns it.
    /// </summary>
    Task<bool> ReleaseAsync(string tenantId);

    /// <summary>The public view (never secrets); null when unknown.</summary>
    Task<ConnectionView?> GetAsync();

    /// <summary>
    /// Whether this activation rewrote the stored secrets under the active key (each activation does, for secrets in
    /// clear or under another key), so calling it after a key rotation moves them. Throws when a stored secret's key
    /// is not configured (the activation fails).
    /// </summary>
    Task<bool> ResealSecretsAsync();
}

using System.Collections.Concurrent;
using BetterData.Grains.Catalog;
using BetterData.Grains.Connections;
using BetterData.Grains.Hosting;
using BetterData.Grains.Signing;
using Microsoft.Extensions.Options;

namespace BetterData.Api.Webhooks;

/// <summary>
/// The store connections' credentials as this API process last read them, for <see cref="CommerceOptions.CredentialCacheTtl"/>,
/// so a webhook does not cost a grain call (a network hop from an API node) before its signature check. Staleness is
/// bounded and mostly invisible: a signature that does not match cached credentials is checked again against fresh
/// ones (a rotated secret or a changed notification URL works at once), a connect through this process evicts its
/// entry, and unknown stores are not cached (a store connected elsewhere is found at once). What a cached entry can do
/// for up to the TTL is keep a replaced secret verifying after its rotation grace ended.
/// </summary>
public sealed class ConnectionCredentialsCache(IGrainFactory grains, IOptions<CommerceOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>
    /// The connection's credentials and what <paramref name="verify"/> says of the request with them: cached ones first,
    /// fresh ones when there are none or they do not match. Null credentials: nobody connected the key.
    /// </summary>
    public async ValueTask<(ConnectionCredentials? Credentials, SignatureCheck Check)> VerifyAsync(
        string connectionKey, Func<ConnectionCredentials, SignatureCheck> verify)
    {
        if (entries.TryGetValue(connectionKey, out var held) && time.GetUtcNow() < held.Until
            && verify(held.Credentials) is var cachedCheck && cachedCheck != SignatureCheck.Mismatch)
        {
            return (held.Credentials, cachedCheck);
        }

        var credentials = await FetchAsync(connectionKey);
        return (credentials, credentials is null ? SignatureCheck.Mismatch : verify(credentials));
    }

    /// <summary>Forgets a connection after it changed.</summary>
    public void Evict(string connectionKey) => entries.TryRemove(connectionKey, out _);

    private async Task<ConnectionCredentials?> FetchAsync(string connectionKey)
    {
        var fetchedAt = time.GetUtcNow();
        var credentials = await grains.Reference<ICommerceConnectionGrain>(connectionKey).GetCredentialsAsync();
        var ttl = options.Value.CredentialCacheTtl;
        if (credentials is null || ttl <= TimeSpan.Zero)
        {
            entries.TryRemove(connectionKey, out _);
        }
        else
        {
            entries[connectionKey] = new Entry(credentials, fetchedAt + ttl);
        }

        return credentials;
    }

    private sealed record Entry(ConnectionCredentials Credentials, DateTimeOffset Until);
}

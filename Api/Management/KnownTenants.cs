using System.Collections.Concurrent;
using BetterData.Grains.Tenants;

namespace BetterData.Api.Management;

/// <summary>
/// Which tenants exist, as this API process last read them: a tenant found is trusted for <see cref="Ttl"/>, so the
/// admin key's calls on a tenant's routes do not each cost a grain call. A deletion through this process forgets the
/// tenant at once; other processes stop trusting it within the TTL. Unknown tenants are not cached (one created
/// elsewhere is found at once).
/// </summary>
public sealed class KnownTenants(IGrainFactory grains, TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, DateTimeOffset> trustedUntil = new(StringComparer.Ordinal);

    public async ValueTask<bool> ExistsAsync(string tenant)
    {
        if (trustedUntil.TryGetValue(tenant, out var until) && time.GetUtcNow() < until)
        {
            return true;
        }

        var readAt = time.GetUtcNow();
        if (await grains.GetGrain<ITenantGrain>(tenant).GetAsync() is null)
        {
            trustedUntil.TryRemove(tenant, out _);
            return false;
        }

        trustedUntil[tenant] = readAt + Ttl;
        return true;
    }

    public void Forget(string tenant) => trustedUntil.TryRemove(tenant, out _);
}

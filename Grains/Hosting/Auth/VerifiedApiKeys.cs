using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace BetterData.Grains.Hosting.Auth;

/// <summary>
/// Tenant keys this process verified in the last <see cref="Ttl"/>, so a publisher's requests do not each cost a call to
/// its tenant's grain (a grain call is about 30 µs of CPU, some 6 % of a publish in PostgreSQL <c>deliver</c>; on an API
/// node apart from the silos it is also a network hop). One key per tenant is kept, the last one verified.
/// A rotation or deletion through this process forgets the tenant before and after it changes the grain, and a
/// verification that a forget overlapped is not kept, so here the old key fails at once. Another process keeps
/// accepting a key it verified until its entry expires: at most <see cref="Ttl"/> after the change.
/// </summary>
public sealed class VerifiedApiKeys(TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(1);

    // Beyond this many tenants the cache starts over (checked only when a tenant not in it is added).
    private const int MaxTenants = 10_000;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private long generation;

    /// <summary>Taken before asking the tenant's grain; handed back to <see cref="Remember"/>.</summary>
    public Verification Begin() => new(Interlocked.Read(ref generation), time.GetUtcNow());

    public bool IsVerified(string tenantId, byte[] keyHash) =>
        entries.TryGetValue(tenantId, out var entry)
        && time.GetUtcNow() < entry.Until
        && CryptographicOperations.FixedTimeEquals(entry.KeyHash, keyHash);

    /// <summary>
    /// Keeps a key the tenant's grain accepted, for <see cref="Ttl"/> from when the verification began, unless a forget
    /// happened since.
    /// </summary>
    public void Remember(string tenantId, byte[] keyHash, Verification verification)
    {
        if (Interlocked.Read(ref generation) != verification.Generation)
        {
            return;
        }

        if (!entries.ContainsKey(tenantId) && entries.Count >= MaxTenants)
        {
            entries.Clear();
        }

        entries[tenantId] = new Entry(keyHash, verification.StartedAt + Ttl);
        if (Interlocked.Read(ref generation) != verification.Generation)
        {
            entries.TryRemove(tenantId, out _); // a forget ran while this was written
        }
    }

    /// <summary>
    /// Runs a change to the tenant's key (rotation, deletion) with the tenant forgotten before and after it: a request
    /// verified meanwhile was verified before the change reached the grain.
    /// </summary>
    public async Task<T> ChangeAsync<T>(string tenantId, Func<Task<T>> change)
    {
        Forget(tenantId);
        try
        {
            return await change();
        }
        finally
        {
            Forget(tenantId);
        }
    }

    public void Forget(string tenantId)
    {
        Interlocked.Increment(ref generation);
        entries.TryRemove(tenantId, out _);
    }

    private sealed record Entry(byte[] KeyHash, DateTimeOffset Until);

    /// <summary>When a verification began, and the forgets seen by then.</summary>
    public readonly record struct Verification(long Generation, DateTimeOffset StartedAt);
}

using Orleans.Concurrency;

namespace BetterData.Grains.Sessions;

/// <summary>
/// A conversational checkout session (key: session id): its tenant, the products the AI is discussing, status
/// (active, completed, expired), the order that completed it and the alerts waiting for the AI.
/// </summary>
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Starts the session; returns it as it is when it exists for the same tenant, null when another tenant owns the id.</summary>
    Task<SessionView?> StartAsync(string tenantId);

    Task<SessionView?> GetAsync();

    /// <summary>Adds products of interest. Null when the session does not exist; unchanged when it is no longer active.</summary>
    Task<SessionView?> AddInterestsAsync(IReadOnlyList<string> productIds);

    /// <summary>Alerts with a sequence number above <paramref name="afterSequence"/>.</summary>
    Task<IReadOnlyList<SessionAlert>> GetAlertsAsync(long afterSequence);

    /// <summary>
    /// The alert stream's long poll: alerts above <paramref name="afterSequence"/>, or, when there are none yet, the
    /// next ones as soon as they are stored, or none after <paramref name="maxWait"/> (at most 20 s, under Orleans'
    /// response timeout). Interleaves with the grain's other calls, so a waiting stream holds up nothing.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<SessionAlert>> WaitForAlertsAsync(long afterSequence, TimeSpan maxWait);

    /// <summary>Called by a product that went out of stock; ignored unless the session is active and interested.</summary>
    Task AlertOutOfStockAsync(string productId, DateTimeOffset at);

    /// <summary>Completes the session of <paramref name="tenantId"/> with its order. True only the first time.</summary>
    Task<bool> CompleteAsync(string tenantId, string orderId, string source);
}

namespace BetterData.Grains.Billing;

/// <summary>
/// Verified Stripe events that named no known tenant (single activation, key <see cref="Key"/>), kept so that an
/// admin can replay them once the tenant exists. Bounded: the oldest are dropped beyond the limit.
/// </summary>
public interface IStripeUnmatchedEventsGrain : IGrainWithStringKey
{
    const string Key = "stripe";

    /// <summary>Keeps an event; a second add of the same event id changes nothing.</summary>
    Task AddAsync(UnmatchedStripeEvent unmatched);

    /// <summary>Kept events, newest first.</summary>
    Task<IReadOnlyList<UnmatchedStripeEvent>> ListAsync();

    Task<UnmatchedStripeEvent?> GetAsync(string eventId);

    /// <summary>Forgets an event once it has been replayed.</summary>
    Task RemoveAsync(string eventId);
}

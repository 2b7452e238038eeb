using BetterData.Grains.Hosting;

namespace BetterData.Grains.Billing;

/// <summary>
/// Stripe events for no known tenant. Bounded to <see cref="MaxEvents"/> and <see cref="MaxJsonChars"/> of event JSON
/// (oldest dropped, the newest always kept), because grain state is read and written whole; an event dropped is still
/// in Stripe (resend from the Dashboard or CLI).
/// </summary>
public sealed class StripeUnmatchedEventsGrain(
    [PersistentState("stripe-unmatched", StorageNames.Default)] IPersistentState<StripeUnmatchedEventsState> state)
    : Grain, IStripeUnmatchedEventsGrain
{
    public const int MaxEvents = 1_000;

    /// <summary>A Stripe event is a few KB, but the webhook body limit allows 1 MB: 1,000 of those would be a 1 GB row.</summary>
    public const int MaxJsonChars = 4 * 1024 * 1024;

    public async Task AddAsync(UnmatchedStripeEvent unmatched)
    {
        if (state.State.Events.Exists(e => e.EventId == unmatched.EventId))
        {
            return;
        }

        var events = state.State.Events;
        events.Add(unmatched);
        var chars = events.Sum(e => (long)e.Json.Length);
        var drop = 0;
        while (drop < events.Count - 1 && (events.Count - drop > MaxEvents || chars > MaxJsonChars))
        {
            chars -= events[drop].Json.Length;
            drop++;
        }

        events.RemoveRange(0, drop);

        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<UnmatchedStripeEvent>> ListAsync() =>
        Task.FromResult<IReadOnlyList<UnmatchedStripeEvent>>(Enumerable.Reverse(state.State.Events).ToList());

    public Task<UnmatchedStripeEvent?> GetAsync(string eventId) =>
        Task.FromResult(state.State.Events.Find(e => e.EventId == eventId));

    public async Task RemoveAsync(string eventId)
    {
        if (state.State.Events.RemoveAll(e => e.EventId == eventId) > 0)
        {
            await state.WriteStateAsync();
        }
    }
}

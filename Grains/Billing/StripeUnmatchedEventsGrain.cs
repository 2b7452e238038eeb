using BetterData.Grains.Hosting;

namespace BetterData.Grains.Billing;

/// <summary>
/// Stripe events for no known tenant. Bounded to <see cref="MaxEvents"/> (oldest dropped), because grain state is
/// read and written whole; an event older than that is still in Stripe (resend from the Dashboard or CLI).
/// </summary>
public sealed class StripeUnmatchedEventsGrain(
    [PersistentState("stripe-unmatched", StorageNames.Default)] IPersistentState<StripeUnmatchedEventsState> state)
    : Grain, IStripeUnmatchedEventsGrain
{
    public const int MaxEvents = 1_000;

    public async Task AddAsync(UnmatchedStripeEvent unmatched)
    {
        if (state.State.Events.Exists(e => e.EventId == unmatched.EventId))
        {
            return;
        }

        state.State.Events.Add(unmatched);
        if (state.State.Events.Count > MaxEvents)
        {
            state.State.Events.RemoveRange(0, state.State.Events.Count - MaxEvents);
        }

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

namespace BetterData.Grains.Loops;

/// <summary>
/// One entity moving through one loop (key: <c>{tenant}/{loop}/{entityId}</c>). Each accepted transition publishes
/// <c>loop.transitioned</c> and counts one unit of the tenant's loop commitment, once, after the new state is durable.
/// </summary>
public interface ILoopEntityGrain : IGrainWithStringKey
{
    /// <summary>Moves to <paramref name="to"/>. A state the entity has already been in answers <see cref="LoopTransitionStatus.Duplicate"/>.</summary>
    Task<LoopTransitionResult> TransitionAsync(string to);

    Task<LoopEntityView?> GetAsync();
}

using System.Text.Json;
using BetterData.Grains.Billing;
using BetterData.Grains.Events;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.Logging;

namespace BetterData.Grains.Loops;

/// <summary>
/// The state machine of one loop entity. The new state and an outbox entry are written together, then the event is
/// published and the unit counted, both idempotent by <c>loop:{loop}:{entity}:{to}</c>, so a crash in between is
/// finished by the next call or activation without a double event or a double count.
/// </summary>
public sealed partial class LoopEntityGrain(
    [PersistentState("loop-entity", StorageNames.Default)] IPersistentState<LoopEntityState> state,
    TimeProvider time,
    ILogger<LoopEntityGrain> logger) : Grain, ILoopEntityGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken) => FlushAsync();

    public async Task<LoopTransitionResult> TransitionAsync(string to)
    {
        var (tenant, loop, entityId) = Key();
        var s = state.State;
        if (!LoopMachines.All.TryGetValue(loop, out var machine))
        {
            throw new ArgumentException($"Unknown loop '{loop}'.", nameof(to));
        }

        if (s.History.Find(h => h.To == to) is { } seen)
        {
            await FlushAsync();
            return new LoopTransitionResult(LoopTransitionStatus.Duplicate, seen.From, to, seen.At);
        }

        if (!machine.Allows(s.State, to))
        {
            return new LoopTransitionResult(LoopTransitionStatus.Illegal, s.State, to, null);
        }

        var step = new LoopStep(s.State, to, time.GetUtcNow());
        s.State = to;
        s.History.Add(step);
        s.Pending.Add(step);
        await state.WriteStateAsync();
        LogTransition(logger, tenant, loop, entityId, step.From, to);
        await FlushAsync();
        return new LoopTransitionResult(LoopTransitionStatus.Applied, step.From, to, step.At);
    }

    public Task<LoopEntityView?> GetAsync()
    {
        var (_, loop, entityId) = Key();
        return Task.FromResult(state.State.History.Count == 0
            ? null
            : new LoopEntityView(loop, entityId, state.State.State, [.. state.State.History]));
    }

    private async Task FlushAsync()
    {
        if (state.State.Pending.Count == 0)
        {
            return;
        }

        var (tenant, loop, entityId) = Key();
        foreach (var step in state.State.Pending)
        {
            var key = $"loop:{loop}:{entityId}:{step.To}";
            var data = JsonSerializer.Serialize(new { loop, entityId, from = step.From, to = step.To, at = step.At }, JsonSerializerOptions.Web);
            await GrainFactory.GetGrain<ITenantEventsGrain>(tenant).PublishAsync(new PublishRequest(EventTypes.LoopTransitioned, data, key));
            await GrainFactory.GetGrain<ITenantBillingGrain>(tenant).CountLoopUnitAsync(key);
        }

        state.State.Pending.Clear();
        await state.WriteStateAsync();
    }

    // Key: {tenant}/{loop}/{entityId}; the entity id may itself contain slashes.
    private (string Tenant, string Loop, string EntityId) Key()
    {
        var parts = this.GetPrimaryKeyString().Split('/', 3);
        return (parts[0], parts[1], parts[2]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loop {Loop} entity {EntityId} of tenant {TenantId}: {From} -> {To}")]
    private static partial void LogTransition(ILogger logger, string tenantId, string loop, string entityId, string from, string to);
}

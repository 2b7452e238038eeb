using BetterData.Grains.Events;
using BetterData.Grains.Catalog;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Sessions;

/// <summary>Idle expiry is evaluated on access with <see cref="TimeProvider"/>: an idle session needs no timer or reminder.</summary>
public sealed class SessionGrain(
    [PersistentState("session", StorageNames.Default)] IPersistentState<SessionState> state,
    IOptions<CommerceOptions> options,
    TimeProvider time) : Grain, ISessionGrain
{
    private const int MaxInterests = 200;
    private const int MaxAlerts = 100;
    private static readonly TimeSpan MaxAlertWait = TimeSpan.FromSeconds(20);

    // Completed, and dropped, when an alert is stored: wakes every stream waiting for one.
    private TaskCompletionSource? alertStored;

    public async Task<SessionView?> StartAsync(string tenantId)
    {
        if (state.RecordExists)
        {
            return state.State.TenantId == tenantId ? await GetAsync() : null;
        }

        var now = time.GetUtcNow();
        state.State = new SessionState { TenantId = tenantId, CreatedAt = now, LastActivityAt = now };
        await state.WriteStateAsync();
        return View();
    }

    public async Task<SessionView?> GetAsync()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        await ExpireIfIdleAsync();
        return View();
    }

    public async Task<SessionView?> AddInterestsAsync(IReadOnlyList<string> productIds)
    {
        if (!state.RecordExists)
        {
            return null;
        }

        await ExpireIfIdleAsync();
        var s = state.State;
        if (s.Status != SessionStatus.Active)
        {
            return View();
        }

        foreach (var id in productIds.Where(id => !s.Interests.Contains(id)))
        {
            s.Interests.Add(id);
        }

        if (s.Interests.Count > MaxInterests)
        {
            s.Interests.RemoveRange(0, s.Interests.Count - MaxInterests);
        }

        s.LastActivityAt = time.GetUtcNow();
        await state.WriteStateAsync();
        return View();
    }

    public Task<IReadOnlyList<SessionAlert>> GetAlertsAsync(long afterSequence) =>
        Task.FromResult<IReadOnlyList<SessionAlert>>([.. state.State.Alerts.Where(a => a.Sequence > afterSequence)]);

    // Real time, not the injected TimeProvider: the wait paces a connection's I/O, it is not time logic.
    public async Task<IReadOnlyList<SessionAlert>> WaitForAlertsAsync(long afterSequence, TimeSpan maxWait)
    {
        var alerts = await GetAlertsAsync(afterSequence);
        if (alerts.Count > 0 || maxWait <= TimeSpan.Zero)
        {
            return alerts;
        }

        alertStored ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await alertStored.Task.WaitAsync(maxWait < MaxAlertWait ? maxWait : MaxAlertWait);
        }
        catch (TimeoutException)
        {
        }

        return await GetAlertsAsync(afterSequence);
    }

    public async Task AlertOutOfStockAsync(string productId, DateTimeOffset at)
    {
        if (!state.RecordExists)
        {
            return;
        }

        await ExpireIfIdleAsync();
        var s = state.State;
        if (s.Status != SessionStatus.Active || !s.Interests.Contains(productId))
        {
            return;
        }

        s.Alerts.Add(new SessionAlert(++s.LastSequence, EventTypes.InventoryOutOfStock, productId, at));
        if (s.Alerts.Count > MaxAlerts)
        {
            s.Alerts.RemoveAt(0);
        }

        await state.WriteStateAsync();
        alertStored?.TrySetResult();
        alertStored = null;
    }

    public async Task<bool> CompleteAsync(string tenantId, string orderId, string source)
    {
        if (!state.RecordExists || state.State.TenantId != tenantId || state.State.Status == SessionStatus.Completed)
        {
            return false;
        }

        // A checkout that arrives after the idle timeout still completes the session: the order is real.
        var s = state.State;
        s.Status = SessionStatus.Completed;
        s.OrderId = orderId;
        s.CompletedBy = source;
        s.CompletedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        return true;
    }

    private async Task ExpireIfIdleAsync()
    {
        var s = state.State;
        if (s.Status == SessionStatus.Active && time.GetUtcNow() - s.LastActivityAt > options.Value.SessionIdleTimeout)
        {
            s.Status = SessionStatus.Expired;
            await state.WriteStateAsync();
        }
    }

    private SessionView View()
    {
        var s = state.State;
        return new SessionView(this.GetPrimaryKeyString(), s.TenantId, s.Status, s.Interests, s.OrderId, s.CreatedAt, s.LastActivityAt,
            s.CompletedAt);
    }
}

using System.Text.Json;
using BetterData.Grains.Events;
using BetterData.Grains.Hosting;
using BetterData.Grains.Orders;
using BetterData.Grains.Sessions;
using BetterData.Grains.Square;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace BetterData.Grains.Catalog;

/// <summary>
/// An event id is recorded only after its grain call returned, so a crash in between makes the provider's retry
/// apply it again; every target is idempotent on its own (updated_at, order id, fetch id), so that is safe.
/// Reentrant, so one tenant's events for different products proceed together: an event id already in flight is a
/// duplicate, and concurrent events share storage writes.
/// </summary>
[Reentrant]
public sealed class CommerceInboxGrain : Grain, ICommerceInboxGrain
{
    private readonly IPersistentState<CommerceInboxState> state;
    private readonly IOptions<CommerceOptions> options;
    private readonly TimeProvider time;
    private readonly CoalescingStateWriter writer;
    private readonly HashSet<string> inFlight = new(StringComparer.Ordinal);

    public CommerceInboxGrain(
        [PersistentState("commerce-inbox", StorageNames.Default)] IPersistentState<CommerceInboxState> state,
        IOptions<CommerceOptions> options,
        TimeProvider time)
    {
        this.state = state;
        this.options = options;
        this.time = time;
        writer = new CoalescingStateWriter(() => state.WriteStateAsync());
    }

    private string TenantId => this.GetPrimaryKeyString();

    public Task<ApplyResult> ApplyProductAsync(string eventId, ProductSnapshot snapshot) =>
        OnceAsync(eventId, () => ParkedStock.ApplySnapshotAsync(GrainFactory, TenantId, snapshot));

    public Task<ApplyResult> DeleteProductAsync(string eventId, string productId, DateTimeOffset at) =>
        OnceAsync(eventId, () => Product(productId).DeleteAsync(at));

    public Task<ApplyResult> ApplyInventoryAsync(string eventId, IReadOnlyList<InventoryChange> changes) =>
        OnceAsync(eventId, async () =>
        {
            var index = GrainFactory.GetGrain<ICatalogIndexGrain>(TenantId);
            var result = ApplyResult.Unmatched;
            foreach (var change in changes)
            {
                if (await index.ResolveAsync(change.InventoryItemId) is not { } item)
                {
                    await index.ParkAsync(change);
                    result = ApplyResult.Applied;
                    continue;
                }

                var applied = await Product(item.ProductId).SetStockAsync(item.VariantId, change.LocationId, change.Available, change.UpdatedAt);
                result = applied == ApplyResult.Applied || result == ApplyResult.Applied ? ApplyResult.Applied : applied;
            }

            return result;
        });

    public Task<ApplyResult> PlaceOrderAsync(string eventId, OrderPlaced order) =>
        OnceAsync(eventId, async () =>
        {
            await GrainFactory.GetGrain<IOrderGrain>(CommerceKeys.Of(TenantId, order.OrderId)).PlaceAsync(order);
            return ApplyResult.Applied;
        });

    public Task<ApplyResult> ScheduleSquareFetchAsync(string eventId, SquareFetch fetch) =>
        OnceAsync(eventId, async () =>
        {
            await GrainFactory.GetGrain<ISquareSyncGrain>(TenantId).EnqueueAsync(eventId, fetch);
            return ApplyResult.Applied;
        });

    public Task<ApplyResult> CompleteCheckoutAsync(string eventId, string sessionId, string orderId) =>
        OnceAsync(eventId, async () =>
        {
            var session = GrainFactory.GetGrain<ISessionGrain>(sessionId);
            if (await session.GetAsync() is not { } view || view.TenantId != TenantId)
            {
                return ApplyResult.Unmatched;
            }

            await session.CompleteAsync(TenantId, orderId, "betterdata");
            var data = JsonSerializer.Serialize(new { tenantId = TenantId, sessionId, orderId });
            await GrainFactory.GetGrain<ITenantEventsGrain>(TenantId).PublishAsync(
                new PublishRequest(EventTypes.CheckoutCompleted, data, eventId));
            return ApplyResult.Applied;
        });

    private IProductGrain Product(string productId) => GrainFactory.GetGrain<IProductGrain>(CommerceKeys.Of(TenantId, productId));

    private async Task<ApplyResult> OnceAsync(string eventId, Func<Task<ApplyResult>> apply)
    {
        var s = state.State;
        if (s.Seen.ContainsKey(eventId) || !inFlight.Add(eventId))
        {
            return ApplyResult.Duplicate;
        }

        ApplyResult result;
        try
        {
            result = await apply();
        }
        finally
        {
            inFlight.Remove(eventId);
        }

        var now = time.GetUtcNow();
        s.Seen[eventId] = now;
        s.SeenOrder.Add(eventId);
        var limit = options.Value.RecentEventIdLimit;
        var oldest = now - options.Value.RecentEventIdWindow;
        var drop = 0;
        while (drop < s.SeenOrder.Count && (s.SeenOrder.Count - drop > limit || s.Seen[s.SeenOrder[drop]] < oldest))
        {
            s.Seen.Remove(s.SeenOrder[drop]);
            drop++;
        }

        s.SeenOrder.RemoveRange(0, drop);
        await writer.PersistAsync();
        return result;
    }
}

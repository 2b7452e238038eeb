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
/// A tenant's commerce events in, deduplicated by provider event id. An id is recorded (in the
/// <see cref="IInboundEventLog"/>, one row per event) only after its grain call returned, so a crash in between makes
/// the provider's retry apply it again; every target is idempotent on its own (updated_at, order id, fetch id), so
/// that is safe. Product snapshots do not come here: the API sends them to their product, which records the id in the
/// same state write as the change (exact, and no extra write or hop) and answers a replay with Duplicate. Stock counts
/// for items no product names yet are parked in the <see cref="ICatalogStore"/>, where the product's row write finds
/// them. The recent ids are held in memory, loaded from the log when the inbox activates; the grain has no state of
/// its own. Reentrant, so one tenant's events for different products proceed together: an event id already in flight
/// is a duplicate, and every method changes memory synchronously before its first await.
/// </summary>
[Reentrant]
public sealed class CommerceInboxGrain : Grain, ICommerceInboxGrain
{
    private readonly IInboundEventLog log;
    private readonly ICatalogStore catalog;
    private readonly IOptions<CommerceOptions> options;
    private readonly TimeProvider time;
    private readonly Dictionary<string, DateTimeOffset> seen = new(StringComparer.Ordinal);
    private readonly Queue<string> seenOrder = new();
    private readonly HashSet<string> inFlight = new(StringComparer.Ordinal);

    public CommerceInboxGrain(
        IInboundEventLog log,
        ICatalogStore catalog,
        IOptions<CommerceOptions> options,
        TimeProvider time)
    {
        this.log = log;
        this.catalog = catalog;
        this.options = options;
        this.time = time;
    }

    private string TenantId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var recent = await log.RecentAsync(TenantId, time.GetUtcNow() - options.Value.RecentEventIdWindow, options.Value.RecentEventIdLimit);
        for (var i = recent.Count - 1; i >= 0; i--)
        {
            Remember(recent[i].EventId, recent[i].At);
        }
    }

    public Task<ApplyResult> DeleteProductAsync(string eventId, string productId, DateTimeOffset at) =>
        OnceAsync(eventId, () => Product(productId).DeleteAsync(at));

    public Task<ApplyResult> ApplyInventoryAsync(string eventId, IReadOnlyList<InventoryChange> changes) =>
        OnceAsync(eventId, async () =>
        {
            var result = ApplyResult.Unmatched;
            foreach (var change in changes)
            {
                var applied = await ApplyStockAsync(change);
                result = applied == ApplyResult.Applied || result == ApplyResult.Applied ? ApplyResult.Applied : applied;
            }

            return result;
        });

    // An unknown item is parked for its product. The product's row write reads parked counts after the row committed,
    // so resolving again after parking closes the race: either the product's write sees the parked count, or this sees
    // the product (or both; setting a count is idempotent). A count applied here is unparked after it landed.
    private async Task<ApplyResult> ApplyStockAsync(InventoryChange change)
    {
        if (await catalog.ResolveAsync(TenantId, change.InventoryItemId) is { } item)
        {
            return await SetStockAsync(item, change);
        }

        await catalog.ParkAsync(TenantId, change, time.GetUtcNow());
        if (await catalog.ResolveAsync(TenantId, change.InventoryItemId) is not { } late)
        {
            return ApplyResult.Applied;
        }

        var result = await SetStockAsync(late, change);
        await catalog.UnparkAsync(TenantId, [change]);
        return result;
    }

    private Task<ApplyResult> SetStockAsync(VariantRef item, InventoryChange change) =>
        Product(item.ProductId).SetStockAsync(item.VariantId, change.LocationId, change.Available, change.UpdatedAt);

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

    private IProductGrain Product(string productId) => GrainFactory.Reference<IProductGrain>(CommerceKeys.Of(TenantId, productId));

    private async Task<ApplyResult> OnceAsync(string eventId, Func<Task<ApplyResult>> apply)
    {
        if (seen.ContainsKey(eventId) || !inFlight.Add(eventId))
        {
            return ApplyResult.Duplicate;
        }

        try
        {
            var result = await apply();
            var now = time.GetUtcNow();
            await log.RecordAsync(TenantId, eventId, now);
            Remember(eventId, now);
            return result;
        }
        finally
        {
            inFlight.Remove(eventId);
        }
    }

    // Bounded by count and age; older ids stay in the log (until retention) but no provider retries that late.
    private void Remember(string eventId, DateTimeOffset at)
    {
        if (!seen.TryAdd(eventId, at))
        {
            return;
        }

        seenOrder.Enqueue(eventId);
        var oldest = at - options.Value.RecentEventIdWindow;
        while (seenOrder.TryPeek(out var first) && (seenOrder.Count > options.Value.RecentEventIdLimit || seen[first] < oldest))
        {
            seen.Remove(seenOrder.Dequeue());
        }
    }
}

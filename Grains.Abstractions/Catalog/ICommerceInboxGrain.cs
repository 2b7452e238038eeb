using BetterData.Grains.Orders;
using BetterData.Grains.Square;

namespace BetterData.Grains.Catalog;

/// <summary>
/// A tenant's inbound commerce events (key: tenant id): dedupes by provider event id (a bounded recent-id window)
/// and routes each event to the grain that owns it. Every method with an event id returns
/// <see cref="ApplyResult.Duplicate"/> for an id it has seen. Product snapshots skip it: they go straight to
/// <see cref="IProductGrain.ApplySnapshotAsync"/>, which dedupes them itself. Stock counts that arrive before their
/// product are parked in the catalog store until the product's row names their items.
/// </summary>
public interface ICommerceInboxGrain : IGrainWithStringKey
{
    Task<ApplyResult> DeleteProductAsync(string eventId, string productId, DateTimeOffset at);

    Task<ApplyResult> ApplyInventoryAsync(string eventId, IReadOnlyList<InventoryChange> changes);

    Task<ApplyResult> PlaceOrderAsync(string eventId, OrderPlaced order);

    Task<ApplyResult> ScheduleSquareFetchAsync(string eventId, SquareFetch fetch);

    /// <summary>Better Data's <c>checkout.completed</c>: completes the session and publishes the event.</summary>
    Task<ApplyResult> CompleteCheckoutAsync(string eventId, string sessionId, string orderId);
}

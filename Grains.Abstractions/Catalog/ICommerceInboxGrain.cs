using BetterData.Grains.Orders;
using BetterData.Grains.Square;

namespace BetterData.Grains.Catalog;

/// <summary>
/// A tenant's inbound commerce events (key: tenant id): dedupes by provider event id (a bounded recent-id window)
/// and routes each event to the grain that owns it. Every method with an event id returns
/// <see cref="ApplyResult.Duplicate"/> for an id it has seen. Product snapshots skip it: they go straight to
/// <see cref="IProductGrain.ApplySnapshotAsync"/>, which dedupes them itself. It also keeps the stock counts that arrive
/// before their product, until the product takes them.
/// </summary>
public interface ICommerceInboxGrain : IGrainWithStringKey
{
    Task<ApplyResult> DeleteProductAsync(string eventId, string productId, DateTimeOffset at);

    Task<ApplyResult> ApplyInventoryAsync(string eventId, IReadOnlyList<InventoryChange> changes);

    Task<ApplyResult> PlaceOrderAsync(string eventId, OrderPlaced order);

    Task<ApplyResult> ScheduleSquareFetchAsync(string eventId, SquareFetch fetch);

    /// <summary>Products fetched from a provider's API (Square catalog sync): applied like webhooks, without an event id.</summary>
    Task ApplyFetchedProductsAsync(IReadOnlyList<ProductSnapshot> products);

    /// <summary>Removes and returns the stock counts parked for these inventory items (a product whose row now names them).</summary>
    Task<IReadOnlyList<InventoryChange>> TakeParkedAsync(IReadOnlyList<string> inventoryItemIds);

    /// <summary>Better Data's <c>checkout.completed</c>: completes the session and publishes the event.</summary>
    Task<ApplyResult> CompleteCheckoutAsync(string eventId, string sessionId, string orderId);
}

using BetterData.Grains.Catalog;
using BetterData.Grains.Orders;

namespace BetterData.Grains.Square;

/// <summary>
/// A tenant's pending Square API fetches (key: tenant id). Enqueueing is durable and returns at once; the HTTP calls
/// run outside the grain's turns, and a reminder picks the work up again after a crash or restart.
/// </summary>
public interface ISquareSyncGrain : IGrainWithStringKey
{
    Task EnqueueAsync(string fetchId, SquareFetch fetch);

    Task<int> GetPendingCountAsync();

    Task CompleteCatalogAsync(string fetchId, IReadOnlyList<ProductSnapshot> products, IReadOnlyList<string> deletedProductIds, DateTimeOffset? latestTime);

    Task CompleteOrderAsync(string fetchId, OrderPlaced? order);

    Task FailAsync(string fetchId, string reason);
}

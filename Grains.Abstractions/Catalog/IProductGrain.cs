namespace BetterData.Grains.Catalog;

/// <summary>
/// One product of one tenant (key: <c>{tenant}/{productId}</c>): listing, variants, stock per variant per location,
/// hourly units sold, and the sessions to alert when it goes out of stock.
/// </summary>
public interface IProductGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates or updates the listing. <see cref="ApplyResult.Stale"/> when we hold a newer one;
    /// <see cref="ApplyResult.Duplicate"/> when <paramref name="eventId"/> (the provider event that carried it, if any)
    /// is one of the product's recent events, which are recorded in the same state write as the change.
    /// </summary>
    Task<ApplyResult> ApplySnapshotAsync(ProductSnapshot snapshot, string? eventId);

    /// <summary>Removes the product from the active catalog (kept as deleted).</summary>
    Task<ApplyResult> DeleteAsync(DateTimeOffset at);

    /// <summary>
    /// Applies an imported listing and its stock counts (each names one of the listing's variants), in one state write,
    /// and its catalog row; false when the listing is older than what the product holds.
    /// </summary>
    Task<bool> ImportAsync(ProductSnapshot snapshot, IReadOnlyList<ImportedStock> stock);

    Task<ApplyResult> SetStockAsync(string variantId, string locationId, int available, DateTimeOffset at);

    Task<ProductView?> GetAsync();

    /// <summary>
    /// Takes <paramref name="quantity"/> from the locations that hold stock (all or nothing) and counts it as sold.
    /// Idempotent per <paramref name="reservationId"/> (order id and line).
    /// </summary>
    Task<bool> ReserveAsync(string reservationId, string? variantId, int quantity);

    /// <summary>Gives back what <paramref name="reservationId"/> took here.</summary>
    Task ReleaseAsync(string reservationId);

    Task RegisterInterestAsync(string sessionId);

    Task<IReadOnlyList<SalesBucket>> GetSalesAsync();

    /// <summary>
    /// The demand check its reminder runs: velocity and days of cover (publishing <c>demand_signal.stockout_risk</c>
    /// once per episode) and the current hour against the hourly baseline (<c>demand_signal.spike_detected</c> once
    /// per hour). Removes the reminder when the product is idle (no stock or no sales in the window).
    /// </summary>
    Task<DemandCheck> CheckDemandAsync();
}

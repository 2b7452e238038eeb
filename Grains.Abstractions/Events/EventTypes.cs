namespace BetterData.Grains.Events;

/// <summary>
/// The outbound event catalog (DESIGN.md "Outbound events"). Publishing a type outside it is refused: the catalog
/// is the contract receivers code against. <c>federation.*</c> is a family: any <c>federation.&lt;name&gt;</c> is accepted.
/// </summary>
public static class EventTypes
{
    public const string SubscriptionUpdated = "subscription.updated";
    public const string LoopCommitmentThresholdReached = "loop_commitment.threshold_reached";
    public const string ImportCompleted = "import.completed";
    public const string ImportPartial = "import.partial";
    public const string ImportFailed = "import.failed";
    public const string OrderAllocationSucceeded = "order.allocation_succeeded";
    public const string OrderAllocationFailed = "order.allocation_failed";
    public const string DemandSignalSpikeDetected = "demand_signal.spike_detected";
    public const string DemandSignalStockoutRisk = "demand_signal.stockout_risk";
    public const string LoopTransitioned = "loop.transitioned";
    public const string InventoryOutOfStock = "inventory.out_of_stock";
    public const string CheckoutCompleted = "checkout.completed";
    public const string FederationPrefix = "federation.";
    public const string FederationWildcard = "federation.*";

    /// <summary>Platform operations alerts, sent only to the platform's ops endpoint.</summary>
    public const string OpsAlert = "ops.alert";

    public static IReadOnlyList<string> Catalog { get; } =
    [
        SubscriptionUpdated, LoopCommitmentThresholdReached, ImportCompleted, ImportPartial, ImportFailed,
        OrderAllocationSucceeded, OrderAllocationFailed, DemandSignalSpikeDetected, DemandSignalStockoutRisk,
        LoopTransitioned, InventoryOutOfStock, CheckoutCompleted, FederationWildcard,
    ];

    public static bool IsKnown(string type) =>
        type == OpsAlert
        || (type.StartsWith(FederationPrefix, StringComparison.Ordinal) && type.Length > FederationPrefix.Length && !type.EndsWith('*'))
        || (Catalog.Contains(type, StringComparer.Ordinal) && type != FederationWildcard);

    /// <summary>True when a filter (exact name or <c>prefix.*</c>) selects the type. No filters means every type.</summary>
    public static bool Matches(IReadOnlyCollection<string> filters, string type)
    {
        if (filters.Count == 0)
        {
            return type != OpsAlert;
        }

        foreach (var filter in filters)
        {
            if (filter.EndsWith(".*", StringComparison.Ordinal)
                ? type.StartsWith(filter[..^1], StringComparison.Ordinal)
                : string.Equals(filter, type, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

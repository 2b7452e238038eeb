namespace BetterData.Grains.Catalog;

/// <summary>Outbound event types published by commerce sync (to be replaced by the shared EventTypes constants).</summary>
public static class CommerceEventTypes
{
    public const string InventoryOutOfStock = "inventory.out_of_stock";
    public const string OrderAllocationSucceeded = "order.allocation_succeeded";
    public const string OrderAllocationFailed = "order.allocation_failed";
    public const string CheckoutCompleted = "checkout.completed";
}

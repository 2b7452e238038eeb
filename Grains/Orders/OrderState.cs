namespace BetterData.Grains.Orders;

[GenerateSerializer, Alias("order-state")]
public sealed class OrderState
{
    [Id(0)] public OrderView? Order { get; set; }

    /// <summary>The allocation event and the session completion are done; until then a redelivery finishes them.</summary>
    [Id(1)] public bool Announced { get; set; }

    /// <summary>The order has its row in the tenant's order list (orders placed before the list existed have not, until they activate).</summary>
    [Id(2)] public bool Listed { get; set; }
}

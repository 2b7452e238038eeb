namespace BetterData.Grains.Orders;

[GenerateSerializer, Alias("order-state")]
public sealed class OrderState
{
    [Id(0)] public OrderView? Order { get; set; }
}

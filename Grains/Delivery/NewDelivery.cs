namespace BetterData.Grains.Delivery;

/// <summary>A delivery a publish creates: the endpoint and the delivery's id.</summary>
public sealed record NewDelivery(string EndpointId, string DeliveryId);

namespace BetterData.Grains.Delivery;

/// <summary>An earlier message found by its idempotency key, and whether its fan-out finished.</summary>
public sealed record StoredMessage(OutboundMessage Message, bool FannedOut);

/// <summary>A delivery a publish creates: the endpoint and the delivery's id.</summary>
public sealed record NewDelivery(string EndpointId, string DeliveryId);

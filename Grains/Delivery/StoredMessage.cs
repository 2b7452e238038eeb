namespace BetterData.Grains.Delivery;

/// <summary>An earlier message found by its idempotency key, and whether its fan-out finished.</summary>
public sealed record StoredMessage(OutboundMessage Message, bool FannedOut);

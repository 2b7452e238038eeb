namespace BetterData.Grains.Delivery;

/// <summary>The message the store holds for a publish: the new one, or the earlier one with the same idempotency key.</summary>
public sealed record StoredMessage(OutboundMessage Message, bool Duplicate, bool FannedOut);

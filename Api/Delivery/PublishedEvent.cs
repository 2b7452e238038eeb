namespace BetterData.Api.Delivery;

/// <summary>The accepted message; <see cref="Duplicate"/> when the Idempotency-Key was seen within 24 hours.</summary>
public sealed record PublishedEvent(string Id, bool Duplicate, int Deliveries);

namespace BetterData.Grains.Delivery;

/// <summary>What one send produced, reported back to the endpoint grain after the HTTP call (which runs outside its turns).</summary>
[GenerateSerializer, Immutable, Alias("attempt-outcome")]
public sealed record AttemptOutcome(
    [property: Id(0)] string DeliveryId,
    [property: Id(1)] int AttemptNumber,
    [property: Id(2)] DeliveryAttempt Attempt,
    [property: Id(3)] TimeSpan? RetryAfter);

namespace BetterData.Grains.Billing;

/// <summary>The newest event applied to one subscription: older events never overwrite it; an ended subscription stays ended.</summary>
[GenerateSerializer, Immutable, Alias("subscription-watermark")]
public sealed record SubscriptionWatermark(
    [property: Id(0)] string SubscriptionId,
    [property: Id(1)] DateTimeOffset Created,
    [property: Id(2)] int Rank,
    [property: Id(3)] bool Ended);

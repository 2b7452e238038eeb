namespace BetterData.Grains.Billing;

[GenerateSerializer, Alias("stripe-unmatched-state")]
public sealed class StripeUnmatchedEventsState
{
    /// <summary>Oldest first.</summary>
    [Id(0)] public List<UnmatchedStripeEvent> Events { get; set; } = [];
}

namespace BetterData.Api.Delivery;

/// <summary>How many failed deliveries were scheduled again.</summary>
public sealed record RecoverResult(int Deliveries);

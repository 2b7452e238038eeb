namespace BetterData.Api.Delivery;

/// <summary>The new signing secret; the previous one keeps signing for 24 hours.</summary>
public sealed record RotatedSecret(string Secret);

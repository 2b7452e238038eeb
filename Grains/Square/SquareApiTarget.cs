namespace BetterData.Grains.Square;

/// <summary>Where and as whom to call the Square API: the connection's base URL and access token.</summary>
public sealed record SquareApiTarget(Uri BaseUrl, string? AccessToken);

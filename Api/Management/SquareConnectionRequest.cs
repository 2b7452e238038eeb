namespace BetterData.Api.Management;

/// <summary>
/// A Square merchant: its id, the subscription's signature key (write-only), the notification URL Square signs when it
/// differs from <c>Webhooks__PublicBaseUrl</c> + <c>/webhooks/square</c>, an API access token (write-only) and API base URL.
/// </summary>
public sealed record SquareConnectionRequest(string? MerchantId, string? SignatureKey, string? NotificationUrl, string? AccessToken, string? ApiBaseUrl);

namespace BetterData.Api.Management;

/// <summary>A Shopify store: its <c>*.myshopify.com</c> domain and the app's webhook signing secret (write-only).</summary>
public sealed record ShopifyConnectionRequest(string? ShopDomain, string? WebhookSecret);

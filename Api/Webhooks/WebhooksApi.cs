using BetterData.Grains.Catalog;

namespace BetterData.Api.Webhooks;

public static class WebhooksApi
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<StripeEventProcessor>();
        builder.Services.AddSingleton<StripeWebhookSource>();
        builder.Services.AddSingleton<ConnectionCredentialsCache>();
        builder.Services.AddOptions<CommerceOptions>().BindConfiguration("Commerce"); // an API node has no silo to bind it
        builder.Services.AddSingleton<ShopifyWebhookSource>();
        builder.Services.AddSingleton<SquareWebhookSource>();
        builder.Services.AddSingleton<BetterDataWebhookSource>();
        return builder;
    }

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapWebhookSource<StripeWebhookSource>("/webhooks/stripe");
        app.MapWebhookSource<ShopifyWebhookSource>("/webhooks/shopify");
        app.MapWebhookSource<SquareWebhookSource>("/webhooks/square");
        app.MapWebhookSource<BetterDataWebhookSource>("/webhooks/betterdata");
        return app;
    }
}

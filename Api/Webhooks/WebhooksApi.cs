namespace BetterData.Api.Webhooks;

public static class WebhooksApi
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<StripeEventProcessor>();
        builder.Services.AddSingleton<StripeWebhookSource>();
        return builder;
    }

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapWebhookSource<StripeWebhookSource>("/webhooks/stripe");
        return app;
    }
}

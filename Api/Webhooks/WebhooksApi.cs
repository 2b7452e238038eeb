namespace BetterData.Api.Webhooks;

public static class WebhooksApi
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app) => app;
}

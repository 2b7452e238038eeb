using BetterData.Api.Delivery;
using BetterData.Api.Imports;
using BetterData.Api.Loops;

namespace BetterData.Api.Management;

public static class ManagementApi
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddManagementApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<KnownTenants>();
        builder.Services.AddOptions<SessionStreamOptions>().BindConfiguration("Sessions")
            .Validate(o => o.KeepAliveInterval > TimeSpan.Zero, "Sessions:KeepAliveInterval must be positive.").ValidateOnStart();
        return builder;
    }

    /// <summary>Every <c>/api</c> route. Tenant routes live under <c>/api/tenants/{tenant}</c> and need that tenant's key or the admin key.</summary>
    public static IEndpointRouteBuilder MapManagementApi(this IEndpointRouteBuilder endpoints)
    {
        // 1 MiB bodies on every management route (routing applies the limit; reading past it answers 413 with a
        // problem body). A route that takes larger uploads raises it with its own RequestSizeLimit.
        var app = endpoints.MapGroup("").WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        app.MapTenantsApi();
        app.MapBillingApi();
        app.MapStripeAdminApi();
        app.MapSecretsAdminApi();
        app.MapEndpointsApi();
        app.MapDeliveriesApi();
        app.MapEventsApi();
        app.MapMerchantWebhooksApi();
        var tenant = TenantsApi.TenantGroup(app);
        tenant.MapConnectionsApi();
        tenant.MapProductsApi();
        tenant.MapOrdersApi();
        tenant.MapSessionsApi();
        tenant.MapLoopsApi();
        tenant.MapImportsApi();
        return endpoints;
    }
}

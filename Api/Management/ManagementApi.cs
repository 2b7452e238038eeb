using BetterData.Api.Delivery;
using BetterData.Api.Imports;
using BetterData.Api.Loops;

namespace BetterData.Api.Management;

public static class ManagementApi
{
    public static WebApplicationBuilder AddManagementApi(this WebApplicationBuilder builder) => builder;

    /// <summary>Every <c>/api</c> route. Tenant routes live under <c>/api/tenants/{tenant}</c> and need that tenant's key or the admin key.</summary>
    public static IEndpointRouteBuilder MapManagementApi(this IEndpointRouteBuilder app)
    {
        app.MapTenantsApi();
        app.MapBillingApi();
        app.MapStripeAdminApi();
        app.MapEndpointsApi();
        app.MapDeliveriesApi();
        app.MapEventsApi();
        app.MapMerchantWebhooksApi();
        var tenant = TenantsApi.TenantGroup(app);
        tenant.MapConnectionsApi();
        tenant.MapProductsApi();
        tenant.MapSessionsApi();
        tenant.MapLoopsApi();
        tenant.MapImportsApi();
        return app;
    }
}

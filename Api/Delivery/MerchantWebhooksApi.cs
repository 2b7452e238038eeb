using System.Text.RegularExpressions;
using BetterData.Api.Management;
using BetterData.Grains.Billing;
using BetterData.Grains.Delivery;
using BetterData.Grains.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Delivery;

/// <summary>
/// <c>/api/tenants/{tenant}/merchants/{merchantId}/webhook</c>: a commerce-gateway merchant's <c>webhookUrl</c>.
/// It becomes a managed endpoint subscribed to <c>federation.*</c> (not counted against the plan's endpoints,
/// but only on plans with the federation capability).
/// </summary>
public static partial class MerchantWebhooksApi
{
    public static RouteGroupBuilder MapMerchantWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = TenantsApi.TenantGroup(app).MapGroup("/merchants/{merchantId}/webhook").WithTags("Endpoints");
        group.MapPut("/", SetAsync).WithSummary("Set the merchant's webhookUrl; it receives federation.* events. Get its secret with rotate-secret on the returned endpoint.");
        group.MapDelete("/", RemoveAsync).WithSummary("Remove the merchant's webhookUrl and its managed endpoint.");
        return group;
    }

    private static async Task<Results<Ok<MerchantWebhook>, ValidationProblem, ProblemHttpResult>> SetAsync(
        string tenant, string merchantId, MerchantWebhookRequest request, IGrainFactory grains, IConfiguration configuration)
    {
        var errors = EndpointsApi.Validate(new EndpointRequest(request.WebhookUrl, null, null, null, null, null),
            EndpointsApi.UrlRules.From(configuration), creating: true);
        if (!MerchantId().IsMatch(merchantId))
        {
            errors["merchantId"] = ["A merchant id is 1-100 characters of letters, digits, '-' and '_'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!(await grains.GetGrain<ITenantCapabilitiesGrain>(tenant).GetCapabilitiesAsync()).Federation)
        {
            return PlanLimit.Problem(Capabilities.Federation, "The tenant's plan does not include federation.");
        }

        var endpointId = await grains.GetGrain<IEndpointRegistryGrain>(tenant)
            .SetManagedEndpointAsync(ManagedKey(merchantId), request.WebhookUrl, [EventTypes.FederationWildcard]);
        return TypedResults.Ok(new MerchantWebhook(merchantId, request.WebhookUrl!, endpointId!));
    }

    private static async Task<NoContent> RemoveAsync(string tenant, string merchantId, IGrainFactory grains)
    {
        await grains.GetGrain<IEndpointRegistryGrain>(tenant).SetManagedEndpointAsync(ManagedKey(merchantId), null, []);
        return TypedResults.NoContent();
    }

    private static string ManagedKey(string merchantId) => "merchant:" + merchantId;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex MerchantId();
}

public sealed record MerchantWebhookRequest(string? WebhookUrl);

public sealed record MerchantWebhook(string MerchantId, string WebhookUrl, string EndpointId);

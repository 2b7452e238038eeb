using BetterData.Api.Webhooks;
using BetterData.Grains.Billing;
using BetterData.Grains.Hosting.Auth;
using BetterData.Grains.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Management;

/// <summary>Admin view of Stripe events that matched no tenant, and their replay once the tenant exists.</summary>
public static class StripeAdminApi
{
    public static RouteGroupBuilder MapStripeAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/stripe").WithTags("Stripe").RequireAuthorization(AuthNames.AdminPolicy);
        admin.MapGet("/unmatched", ListUnmatchedAsync).WithSummary("Verified Stripe events for no known tenant, newest first.");
        admin.MapPost("/unmatched/{eventId}/replay", ReplayAsync)
            .WithSummary("Replays a kept event. Body {\"tenantId\"} assigns the tenant (and its Stripe customer) when metadata does not name it.");
        return admin;
    }

    private static async Task<Ok<IReadOnlyList<UnmatchedStripeEvent>>> ListUnmatchedAsync(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IStripeUnmatchedEventsGrain>(IStripeUnmatchedEventsGrain.Key).ListAsync());

    private static async Task<Results<Ok<ReplayedStripeEvent>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ReplayAsync(
        string eventId, ReplayStripeEvent? request, IGrainFactory grains, StripeEventProcessor processor, TimeProvider time)
    {
        var unmatched = grains.GetGrain<IStripeUnmatchedEventsGrain>(IStripeUnmatchedEventsGrain.Key);
        if (await unmatched.GetAsync(eventId) is not { } kept)
        {
            return TypedResults.NotFound(Problem(StatusCodes.Status404NotFound, "Event not found", $"No unmatched Stripe event '{eventId}'."));
        }

        var tenantId = string.IsNullOrWhiteSpace(request?.TenantId) ? null : request.TenantId;
        if (tenantId is not null && await grains.GetGrain<ITenantGrain>(tenantId).GetAsync() is null)
        {
            return TypedResults.NotFound(Problem(StatusCodes.Status404NotFound, "Tenant not found", $"There is no tenant '{tenantId}'."));
        }

        // The event was verified when it arrived; its signature has expired since, so it is parsed, not re-verified.
        var stripeEvent = Stripe.EventUtility.ParseEvent(kept.Json, throwOnApiVersionMismatch: false);
        var dispatch = await processor.ProcessAsync(StripeEventReader.Read(stripeEvent, kept.Json), kept.Json, time.GetUtcNow(), tenantId);
        if (dispatch.TenantId is null)
        {
            return TypedResults.Conflict(Problem(StatusCodes.Status409Conflict, "Still no tenant",
                (dispatch.Outcome.Detail ?? "No tenant matches.") + " Create the tenant, or name it in the body as tenantId."));
        }

        await unmatched.RemoveAsync(eventId);
        return TypedResults.Ok(new ReplayedStripeEvent(eventId, dispatch.TenantId, dispatch.Outcome.Result));
    }

    private static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };
}

/// <summary>Optional replay body: the tenant to assign when the event's metadata names none (or one that does not exist).</summary>
public sealed record ReplayStripeEvent(string? TenantId);

/// <summary>The replayed event, the tenant it reached, and what it did (<c>accepted</c> or <c>duplicate</c>).</summary>
public sealed record ReplayedStripeEvent(string EventId, string TenantId, string Result);

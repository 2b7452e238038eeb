using BetterData.Api.Management;
using BetterData.Grains.Billing;
using BetterData.Grains.Events;
using BetterData.Grains.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Delivery;

/// <summary>Publishing (<c>POST /api/tenants/{tenant}/events</c>) and the catalog (<c>GET /api/event-types</c>, anonymous).</summary>
public static class EventsApi
{
    private const int MaxIdempotencyKeyLength = 255;

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/event-types", () => TypedResults.Ok(EventCatalog.All))
            .WithTags("Events").AllowAnonymous().WithSummary("The outbound event catalog with an example data payload each.");
        TenantsApi.TenantGroup(app).MapPost("/events", PublishAsync)
            .WithTags("Events").WithSummary("Publish an event to the tenant's matching endpoints. Idempotency-Key is honoured for 24 h.");
        return app;
    }

    private static async Task<Results<Accepted<PublishedEvent>, ValidationProblem, ProblemHttpResult>> PublishAsync(
        string tenant, PublishEvent request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Type) || !EventTypes.IsKnown(request.Type) || request.Type == EventTypes.OpsAlert)
        {
            errors["type"] = ["A catalog event type is required (GET /api/event-types)."];
        }

        if (request.Data is not { ValueKind: System.Text.Json.JsonValueKind.Object })
        {
            errors["data"] = ["A JSON object is required."];
        }

        if (idempotencyKey is { Length: 0 or > MaxIdempotencyKeyLength })
        {
            errors["Idempotency-Key"] = [$"1-{MaxIdempotencyKeyLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // The events grain enforces the plan (for every producer, from the capabilities it caches).
        var result = await grains.Reference<ITenantEventsGrain>(tenant)
            .PublishAsync(new PublishRequest(request.Type!, request.Data!.Value.GetRawText(), idempotencyKey));
        if (result.RefusedByPlan is { } plan)
        {
            return PlanLimit.Problem(Capabilities.OutboundWebhooks, $"The {plan} plan does not include outbound webhooks.");
        }

        return TypedResults.Accepted((string?)null, new PublishedEvent(result.MessageId, result.Duplicate, result.Deliveries));
    }
}

using BetterData.Grains.Billing;
using BetterData.Grains.Loops;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Loops;

/// <summary>
/// Loop transitions fed by tenants' systems (<c>POST /loops/{loop}/{entityId}/transitions</c> with <c>{"to": ...}</c>),
/// the loops' state machines, an entity's history, and loop commitment usage in the current billing period.
/// </summary>
public static class LoopsApi
{
    private const int MaxEntityIdLength = 200;

    public static RouteGroupBuilder MapLoopsApi(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/loops").WithTags("Loops");
        group.MapGet("/", ListMachines).WithSummary("The loops and their state machines.");
        group.MapGet("/usage", GetUsageAsync).WithSummary("Loop commitment usage in the current billing period.");
        group.MapGet("/{loop}/{entityId}", GetAsync).WithSummary("An entity's state and transitions.");
        group.MapPost("/{loop}/{entityId}/transitions", TransitionAsync)
            .WithSummary("Move an entity to a state. An illegal transition answers 409; a state already reached answers 200 again.");
        return group;
    }

    private static Ok<IReadOnlyList<LoopMachineInfo>> ListMachines() =>
        TypedResults.Ok<IReadOnlyList<LoopMachineInfo>>([.. LoopMachines.All.Values.Select(m =>
            new LoopMachineInfo(m.Name, m.Transitions, m.PlatformStates))]);

    private static async Task<Ok<LoopUsage>> GetUsageAsync(string tenant, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ITenantBillingGrain>(tenant).GetLoopUsageAsync());

    private static async Task<Results<Ok<LoopEntityView>, NotFound>> GetAsync(string tenant, string loop, string entityId, IGrainFactory grains) =>
        LoopMachines.All.ContainsKey(loop) && await grains.GetGrain<ILoopEntityGrain>(LoopKeys.Of(tenant, loop, entityId)).GetAsync() is { } view
            ? TypedResults.Ok(view)
            : TypedResults.NotFound();

    private static async Task<Results<Ok<LoopTransitionResult>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> TransitionAsync(
        string tenant, string loop, string entityId, LoopTransitionRequest request, IGrainFactory grains)
    {
        if (!LoopMachines.All.TryGetValue(loop, out var machine))
        {
            return TypedResults.NotFound(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Unknown loop",
                Detail = $"Loops are {string.Join(", ", LoopMachines.All.Keys)}.",
            });
        }

        var errors = new Dictionary<string, string[]>();
        if (entityId.Length > MaxEntityIdLength)
        {
            errors["entityId"] = [$"At most {MaxEntityIdLength} characters."];
        }

        if (string.IsNullOrWhiteSpace(request.To) || !machine.IsState(request.To))
        {
            errors["to"] = [$"A state of the {loop} loop is required (GET /api/tenants/{{tenant}}/loops)."];
        }
        else if (machine.PlatformStates.Contains(request.To, StringComparer.Ordinal))
        {
            errors["to"] = [$"'{request.To}' is entered by the platform itself, not through the API."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await grains.GetGrain<ILoopEntityGrain>(LoopKeys.Of(tenant, loop, entityId)).TransitionAsync(request.To!);
        if (result.Status == LoopTransitionStatus.Illegal)
        {
            return TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Illegal transition",
                Detail = $"The {loop} loop does not allow {result.From} -> {result.To}.",
                Extensions = { ["from"] = result.From, ["to"] = result.To },
            });
        }

        return TypedResults.Ok(result);
    }
}

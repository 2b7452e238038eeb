using Microsoft.AspNetCore.Http.HttpResults;

namespace BetterData.Api.Delivery;

/// <summary>The one answer for an action the tenant's plan does not allow: 403 with the capability named.</summary>
internal static class PlanLimit
{
    public static ProblemHttpResult Problem(string capability, string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Plan limit",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["capability"] = capability });
}

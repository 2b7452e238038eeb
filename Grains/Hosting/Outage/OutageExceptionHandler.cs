using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace BetterData.Grains.Hosting.Outage;

/// <summary>
/// Answers an outage (see <see cref="OutageClassifier"/>) with 503, <c>Retry-After</c> and a problem-details body
/// naming only the reason; anything else falls through to the 500 the exception handler middleware writes.
/// Returning true also keeps the middleware from logging the exception a second time (.NET 10).
/// </summary>
public sealed partial class OutageExceptionHandler(IProblemDetailsService problemDetails, ILogger<OutageExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>Long enough for a PostgreSQL restart or a membership vote to make progress, short enough for webhooks.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var kind = OutageClassifier.Classify(exception);
        if (kind == OutageKind.None)
        {
            return false;
        }

        var (title, reason) = kind == OutageKind.Storage
            ? ("Storage unavailable", "storage_unavailable")
            : ("Cluster unavailable", "cluster_unavailable");
        LogOutage(logger, httpContext.Request.Method, httpContext.Request.Path, reason, OutageClassifier.Describe(exception));

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The exception is deliberately not passed on: its message must not reach the response.
        await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = title,
                Detail = $"The request was not completed; retry after {RetryAfterSeconds} seconds.",
                Extensions = { ["reason"] = reason },
            },
        });
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503 ({Reason}): {Cause}")]
    private static partial void LogOutage(ILogger logger, string method, PathString path, string reason, string cause);
}

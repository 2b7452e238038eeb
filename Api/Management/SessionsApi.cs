using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using BetterData.Grains.Catalog;
using BetterData.Grains.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BetterData.Api.Management;

/// <summary>Conversational sessions for the commerce gateway: interests, out-of-stock alerts (list and live SSE).</summary>
public static partial class SessionsApi
{
    // How long one long-poll call waits for the next alert before the stream asks again: under the 5 s after which
    // Orleans reports a request as slow (a diagnostic message to the caller every 5 s).
    private static readonly TimeSpan StreamWait = TimeSpan.FromSeconds(4);
    private static readonly byte[] KeepAlive = Encoding.ASCII.GetBytes(": keep-alive\n\n");

    public static RouteGroupBuilder MapSessionsApi(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/sessions").WithTags("Sessions");
        group.MapPost("/", StartAsync).WithSummary("Start a session (optionally with your own id).");
        group.MapGet("/{sessionId}", GetAsync).WithSummary("A session: status, interests, order.");
        group.MapPost("/{sessionId}/interests", AddInterestsAsync).WithSummary("Products the AI is discussing.");
        group.MapGet("/{sessionId}/alerts", GetAlertsAsync).WithSummary("Alerts after a sequence number.");
        group.MapGet("/{sessionId}/alerts/stream", StreamAlerts).WithSummary("Alerts as Server-Sent Events (honours Last-Event-ID).");
        return group;
    }

    private static async Task<Results<Created<SessionView>, Ok<SessionView>, ValidationProblem, Conflict<ProblemDetails>>> StartAsync(
        string tenant, StartSession? request, IGrainFactory grains)
    {
        var id = string.IsNullOrWhiteSpace(request?.SessionId) ? "ses_" + Guid.NewGuid().ToString("N") : request.SessionId;
        if (!SessionId().IsMatch(id))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["sessionId"] = ["1-128 characters of letters, digits, '-', '_', '.' and ':'."],
            });
        }

        var session = grains.GetGrain<ISessionGrain>(id);
        var existed = await session.GetAsync() is not null;
        if (await session.StartAsync(tenant) is not { } view)
        {
            return TypedResults.Conflict(new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Session id taken" });
        }

        return existed ? TypedResults.Ok(view) : TypedResults.Created($"/api/tenants/{tenant}/sessions/{id}", view);
    }

    private static async Task<Results<Ok<SessionView>, NotFound>> GetAsync(string tenant, string sessionId, IGrainFactory grains) =>
        await FindAsync(tenant, sessionId, grains) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    private static async Task<Results<Ok<SessionView>, NotFound, ValidationProblem, Conflict<ProblemDetails>>> AddInterestsAsync(
        string tenant, string sessionId, AddInterests request, IGrainFactory grains)
    {
        if (request.ProductIds is not { Count: > 0 and <= 100 } ids || ids.Any(string.IsNullOrWhiteSpace))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["productIds"] = ["1-100 product ids."] });
        }

        if (await FindAsync(tenant, sessionId, grains) is null)
        {
            return TypedResults.NotFound();
        }

        var view = (await grains.GetGrain<ISessionGrain>(sessionId).AddInterestsAsync(ids))!;
        if (view.Status != SessionStatus.Active)
        {
            return TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Session not active",
                Detail = $"The session is {view.Status} and takes no more interests.",
            });
        }

        // The product keeps the list of sessions to alert; registered here, outside the session grain, so grains never call each other in a cycle.
        await Task.WhenAll(ids.Distinct().Select(p => grains.GetGrain<IProductGrain>(CommerceKeys.Of(tenant, p)).RegisterInterestAsync(sessionId)));
        return TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<AlertList>, NotFound>> GetAlertsAsync(string tenant, string sessionId, long? after, IGrainFactory grains)
    {
        if (await FindAsync(tenant, sessionId, grains) is null)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new AlertList(await grains.GetGrain<ISessionGrain>(sessionId).GetAlertsAsync(after ?? 0)));
    }

    private static async Task<Results<ServerSentEventsResult<SessionAlert>, NotFound>> StreamAlerts(
        string tenant, string sessionId, HttpContext http, IGrainFactory grains, IOptions<SessionStreamOptions> options)
    {
        if (await FindAsync(tenant, sessionId, grains) is null)
        {
            return TypedResults.NotFound();
        }

        var after = long.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last : 0;
        var alerts = ReadAlertsAsync(http.Response, grains.GetGrain<ISessionGrain>(sessionId), after, options.Value.KeepAliveInterval, http.RequestAborted);
        return TypedResults.ServerSentEvents(alerts);
    }

    private static async IAsyncEnumerable<SseItem<SessionAlert>> ReadAlertsAsync(HttpResponse response, ISessionGrain session, long after,
        TimeSpan keepAlive, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Send the headers now, so the client knows the stream is open before the first alert.
        await response.Body.FlushAsync(cancellationToken);
        // Real time, as in the session grain's wait: it paces the connection's I/O, it is not time logic.
        var lastWrite = Stopwatch.GetTimestamp();
        // A long poll: the session grain answers as soon as an alert is stored, or with nothing after the wait, so an
        // idle stream costs a grain call per 4 s (or per keep-alive interval, if shorter) instead of one per poll.
        var wait = keepAlive < StreamWait ? keepAlive : StreamWait;
        while (await NextAlertsAsync(session, after, wait, cancellationToken) is { } alerts)
        {
            if (alerts.Count == 0 && Stopwatch.GetElapsedTime(lastWrite) >= keepAlive)
            {
                // ASP.NET Core's SSE result writes only events, so the comment goes to the body between two of them: the
                // formatter has written and flushed the last event before it asks this enumerator for the next.
                if (!await TryWriteAsync(response, KeepAlive, cancellationToken))
                {
                    yield break;
                }

                lastWrite = Stopwatch.GetTimestamp();
            }

            foreach (var alert in alerts)
            {
                after = alert.Sequence;
                lastWrite = Stopwatch.GetTimestamp();
                yield return new SseItem<SessionAlert>(alert, alert.Type) { EventId = alert.Sequence.ToString(CultureInfo.InvariantCulture) };
            }
        }
    }

    private static async Task<bool> TryWriteAsync(HttpResponse response, byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            await response.Body.WriteAsync(bytes, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return false; // the client has gone
        }
    }

    // Null once the client has gone.
    private static async Task<IReadOnlyList<SessionAlert>?> NextAlertsAsync(ISessionGrain session, long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            return await session.WaitForAlertsAsync(after, wait).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<SessionView?> FindAsync(string tenant, string sessionId, IGrainFactory grains) =>
        await grains.GetGrain<ISessionGrain>(sessionId).GetAsync() is { } view && view.TenantId == tenant ? view : null;

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,128}$")]
    private static partial Regex SessionId();
}

public sealed record StartSession(string? SessionId);

public sealed record AddInterests(IReadOnlyList<string>? ProductIds);

public sealed record AlertList(IReadOnlyList<SessionAlert> Data);

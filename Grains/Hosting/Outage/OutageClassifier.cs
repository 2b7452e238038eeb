using System.Net.Sockets;
using System.Reflection;
using Npgsql;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Serialization;
using Orleans.Storage;

namespace BetterData.Grains.Hosting.Outage;

/// <summary>
/// Tells a passing outage (answer 503, the caller retries) from a fault (answer 500). Pure: exceptions in, a kind out.
/// Orleans wraps what a grain throws (storage errors in <see cref="OrleansException"/>, fan-outs in
/// <see cref="AggregateException"/>), so the verdict looks down the inner exceptions, but only through wrappers:
/// an HttpClient timeout (a <see cref="TaskCanceledException"/> around a <see cref="TimeoutException"/>) from a
/// provider API is that API's failure, not ours, and stays 500.
/// </summary>
public static class OutageClassifier
{
    private const string NpgsqlNamespace = "Npgsql.";
    private const string PostgresExceptionName = "Npgsql.PostgresException";

    /// <summary>Storage or cluster when retrying later can succeed; None for everything else, a conflict included.</summary>
    public static OutageKind Classify(Exception exception)
    {
        var chain = Chain(exception).ToList();

        // An etag mismatch is a concurrency conflict: retrying the same request later does not make it succeed.
        if (chain.Any(e => e is InconsistentStateException))
        {
            return OutageKind.None;
        }

        // PostgreSQL answered: its SQLSTATE says whether it is unavailable or the statement is at fault.
        if (chain.Select(PostgresSqlState).FirstOrDefault(s => s is not null) is { } sqlState)
        {
            return IsUnavailableSqlState(sqlState) ? OutageKind.Storage : OutageKind.None;
        }

        // Npgsql throws its base exception for connecting, reading and writing (refused, reset, timed out, pool exhausted).
        if (chain.Any(e => TypeName(e).StartsWith(NpgsqlNamespace, StringComparison.Ordinal) || IsUnserializedNpgsqlException(e)))
        {
            return OutageKind.Storage;
        }

        return chain.Any(IsClusterUnavailable) ? OutageKind.Cluster : OutageKind.None;
    }

    /// <summary>
    /// The exception types down the chain, with SQLSTATE and socket error, for logs: no messages, which can carry
    /// host names, statement parameters, or (from a careless provider) a connection string.
    /// </summary>
    public static string Describe(Exception exception) => string.Join(" > ", Chain(exception).Select(e => e switch
    {
        // The error code does not survive Orleans serialization (it reads Success there), so only a real one is shown.
        SocketException { SocketErrorCode: not SocketError.Success } socket => $"{TypeName(e)}({socket.SocketErrorCode})",
        _ when PostgresSqlState(e) is { Length: > 0 } state => $"{TypeName(e)}({state})",
        _ => TypeName(e),
    }));

    /// <summary>
    /// Connection exceptions (08), insufficient resources (53: too many connections, disk full, out of memory), and the
    /// server shutting down, crashed or starting (57P01–57P03). Not 40001/40P01 (serialization failure, deadlock):
    /// those are conflicts between our own writes.
    /// </summary>
    public static bool IsUnavailableSqlState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState.StartsWith("53", StringComparison.Ordinal)
        || sqlState is "57P01" or "57P02" or "57P03";

    private static bool IsClusterUnavailable(Exception e) => e is
        OrleansMessageRejectionException // includes SiloUnavailableException: the target silo is dead, stopping or unknown
        or GatewayTooBusyException
        or ConnectionFailedException
        or TimeoutException // a grain call without a response within the Orleans response timeout
        or SocketException;

    // A silo without AddOutageHandling (an older build during a rolling upgrade) cannot serialize Npgsql exceptions and
    // sends this in their place; only its message names the type. A PostgresException's SQLSTATE is lost that way, so
    // only the base NpgsqlException (a connection or I/O failure) is taken for an outage.
    private static bool IsUnserializedNpgsqlException(Exception e) =>
        e is CodecNotFoundException && e.Message.EndsWith("type Npgsql.NpgsqlException.", StringComparison.Ordinal);

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        var seen = 0;
        while (pending.TryPop(out var e) && seen++ < 32)
        {
            yield return e;
            if (!IsWrapper(e))
            {
                continue;
            }

            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.Reverse())
                {
                    pending.Push(inner);
                }
            }
            else if (e.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }

    private static bool IsWrapper(Exception e) =>
        e is AggregateException or OrleansException or TargetInvocationException or NpgsqlException or UnavailableExceptionFallbackException;

    private static string? PostgresSqlState(Exception e) => e switch
    {
        // After a trip through Orleans serialization only Exception's own fields survive: SqlState is then read from
        // Data, which PostgresException fills, or from its message, which starts with "SQLSTATE: ".
        PostgresException pg => pg.SqlState ?? SqlStateFromDataOrMessage(e) ?? "",
        _ when TypeName(e).StartsWith(PostgresExceptionName, StringComparison.Ordinal) => SqlStateFromDataOrMessage(e) ?? "",
        _ => null,
    };

    private static string? SqlStateFromDataOrMessage(Exception e) =>
        e.Data["SqlState"] as string
        ?? (e.Message is { Length: > 6 } m && m[5] == ':' ? m[..5] : null);

    // A process that cannot load an exception's type receives UnavailableExceptionFallbackException naming it
    // (as "Namespace.Type,Assembly"); the Api loads Npgsql through the Grains assembly, but a thinner client would not.
    private static string TypeName(Exception e) =>
        e is UnavailableExceptionFallbackException { ExceptionType: { Length: > 0 } name } ? name : e.GetType().FullName ?? e.GetType().Name;
}

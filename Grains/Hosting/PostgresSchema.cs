using Microsoft.Extensions.Logging;
using Npgsql;

namespace BetterData.Grains.Hosting;

/// <summary>
/// Applies <c>deploy/sql/*.sql</c> (embedded at build time) in file-name order. Every script is idempotent,
/// and the whole run holds a PostgreSQL advisory lock so that several silos starting together do not race.
/// </summary>
public static partial class PostgresSchema
{
    // An arbitrary constant that names "the BetterData schema migration" among advisory locks.
    private const long AdvisoryLockKey = 0x4244_4752_4149_4E53;

    public static IReadOnlyList<(string Name, string Sql)> Scripts()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("sql/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (n["sql/".Length..], reader.ReadToEnd());
            })
            .ToList();
    }

    public static async Task ApplyAsync(string connectionString, ILogger logger, CancellationToken cancellationToken = default)
    {
        // Unpooled: the advisory lock is session state, which must not outlive this connection in a pool.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await OpenWithRetryAsync(connection, logger, cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@k)", connection))
        {
            take.Parameters.AddWithValue("k", AdvisoryLockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            foreach (var (name, sql) in Scripts())
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync(cancellationToken);
                LogApplied(logger, name);
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@k)", connection);
            release.Parameters.AddWithValue("k", AdvisoryLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    // A pod may start before its database accepts connections; wait a bounded time instead of crash-looping.
    private static async Task OpenWithRetryAsync(NpgsqlConnection connection, ILogger logger, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (attempt < 30)
            {
                LogWaiting(logger, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema script {Script}")]
    private static partial void LogApplied(ILogger logger, string script);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL not reachable yet (attempt {Attempt}): {Reason}")]
    private static partial void LogWaiting(ILogger logger, int attempt, string reason);
}

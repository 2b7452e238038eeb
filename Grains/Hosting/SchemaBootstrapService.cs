using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BetterData.Grains.Hosting;

/// <summary>Applies the PostgreSQL schema before Orleans starts (hosted services start in registration order).</summary>
internal sealed class SchemaBootstrapService(ClusterSettings settings, ILogger<SchemaBootstrapService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        settings is { PostgresConnectionString: { } cs, ApplySchema: true }
            ? PostgresSchema.ApplyAsync(cs, logger, cancellationToken)
            : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

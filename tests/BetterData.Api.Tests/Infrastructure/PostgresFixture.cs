using BetterData.Grains.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BetterData.Api.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL server for every test in <see cref="PostgresCollection"/>; each test takes a fresh
/// database from it. If no server can be started or reached, the tests fail: they are never skipped.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? server;

    public PostgresServer Server => server ?? throw new InvalidOperationException("PostgreSQL did not start.");

    public async Task InitializeAsync() => server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>A connection string to a new, empty database.</summary>
    public Task<string> NewDatabaseAsync() => Server.CreateDatabaseAsync("t_" + Guid.NewGuid().ToString("N")[..16]);

    /// <summary>A data source on a new database holding our schema (<c>deploy/sql</c>), for tests of one store.</summary>
    public async Task<NpgsqlDataSource> NewSchemaDataSourceAsync()
    {
        var cs = await NewDatabaseAsync();
        await PostgresSchema.ApplyAsync(cs, NullLogger.Instance);
        return NpgsqlDataSource.Create(cs);
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}

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
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}

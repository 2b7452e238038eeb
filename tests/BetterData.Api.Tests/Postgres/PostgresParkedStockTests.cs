using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Catalog;
using BetterData.Tests.Shared;
using Npgsql;

namespace BetterData.Api.Tests.Postgres;

/// <summary>
/// The PostgreSQL catalog store keeps the parked-stock contract, including a park racing a group-committed row write
/// (whose read of parked counts runs after a Sync, so after the rows committed).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresParkedStockTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ParkClaimUnparkPurge()
    {
        await using var store = await StartAsync();
        await ParkedStockContract.ParkClaimUnparkPurge(store.Catalog);
    }

    [Fact]
    public async Task ParkRacingAClaim_TheCountAlwaysReachesTheProduct()
    {
        await using var store = await StartAsync();
        await ParkedStockContract.ParkRacingAClaim_TheCountAlwaysReachesTheProduct(store.Catalog, items: 2_000);
    }

    // A deferred trigger sleeps once per transaction at commit, so counts parked meanwhile commit before the product's
    // rows do: only a read of parked counts after the commit (not inside the same transaction) sees them.
    [Fact]
    public async Task ParkDuringAProductsCommit_IsReadByTheProduct()
    {
        await using var store = await StartAsync();
        await using (var slow = store.Db.CreateCommand("""
            CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF current_setting('test.slept', true) IS DISTINCT FROM 'yes' THEN
                    PERFORM set_config('test.slept', 'yes', true);
                    PERFORM pg_sleep(0.4);
                END IF;
                RETURN NULL;
            END $$;
            CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON catalog_items DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION slow_commit();
            """))
        {
            await slow.ExecuteNonQueryAsync();
        }

        await ParkedStockContract.ParkRacingAClaim_TheCountAlwaysReachesTheProduct(store.Catalog, items: 40, parkDelay: TimeSpan.FromMilliseconds(150));
    }

    private async Task<Store> StartAsync()
    {
        var db = await postgres.NewSchemaDataSourceAsync();
        return new Store(db, new PostgresCatalogStore(db));
    }

    private sealed record Store(NpgsqlDataSource Db, PostgresCatalogStore Catalog) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Catalog.DisposeAsync();
            await Db.DisposeAsync();
        }
    }
}

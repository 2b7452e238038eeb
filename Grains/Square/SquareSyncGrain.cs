using BetterData.Grains.Catalog;
using BetterData.Grains.Connections;
using BetterData.Grains.Hosting;
using BetterData.Grains.Orders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Square;

/// <summary>
/// Pending work lives in grain state and a reminder wakes the grain every <see cref="CommerceOptions.SquareRetryPeriod"/>
/// while any is left, so work accepted before a crash completes after the restart. The HTTP calls run on the thread
/// pool, outside any turn, and report back through <see cref="CompleteCatalogAsync"/> / <see cref="CompleteOrderAsync"/>,
/// so webhook acks never wait on Square.
/// </summary>
public sealed partial class SquareSyncGrain(
    [PersistentState("square-sync", StorageNames.Default)] IPersistentState<SquareSyncState> state,
    SquareApiClient square,
    IOptions<CommerceOptions> options,
    ILogger<SquareSyncGrain> logger) : Grain, ISquareSyncGrain, IRemindable
{
    private const string ReminderName = "square-fetch";
    private readonly HashSet<string> inFlight = [];

    private string TenantId => this.GetPrimaryKeyString();

    public async Task EnqueueAsync(string fetchId, SquareFetch fetch)
    {
        if (!state.State.Pending.ContainsKey(fetchId))
        {
            state.State.Pending[fetchId] = new PendingSquareFetch { Fetch = fetch };
            await state.WriteStateAsync();
        }

        await this.RegisterOrUpdateReminder(ReminderName, options.Value.SquareRetryPeriod, options.Value.SquareRetryPeriod);
        await StartPendingAsync();
    }

    public Task<int> GetPendingCountAsync() => Task.FromResult(state.State.Pending.Count);

    public async Task CompleteCatalogAsync(string fetchId, IReadOnlyList<ProductSnapshot> products, IReadOnlyList<string> deletedProductIds, DateTimeOffset? latestTime)
    {
        inFlight.Remove(fetchId);
        if (!state.State.Pending.TryGetValue(fetchId, out var pending))
        {
            return;
        }

        // Straight to each product (no event id: a fetched listing is applied by its updated_at, as webhooks are).
        foreach (var product in products)
        {
            await Product(product.ProductId).ApplySnapshotAsync(product, null);
        }

        foreach (var id in deletedProductIds)
        {
            await Product(id).DeleteAsync(latestTime ?? pending.Fetch.At);
        }

        if (latestTime > (state.State.CatalogSyncedUntil ?? DateTimeOffset.MinValue))
        {
            state.State.CatalogSyncedUntil = latestTime;
        }

        await DoneAsync(fetchId);
    }

    public async Task CompleteOrderAsync(string fetchId, OrderPlaced? order)
    {
        inFlight.Remove(fetchId);
        if (!state.State.Pending.ContainsKey(fetchId))
        {
            return;
        }

        if (order is not null)
        {
            await GrainFactory.GetGrain<IOrderGrain>(CommerceKeys.Of(TenantId, order.OrderId)).PlaceAsync(order);
        }

        await DoneAsync(fetchId);
    }

    public async Task FailAsync(string fetchId, string reason)
    {
        inFlight.Remove(fetchId);
        if (!state.State.Pending.TryGetValue(fetchId, out var pending))
        {
            return;
        }

        pending.Attempts++;
        pending.LastError = reason;
        LogFetchFailed(logger, TenantId, pending.Fetch.Kind, pending.Attempts, reason);
        if (pending.Attempts >= options.Value.SquareMaxAttempts)
        {
            LogFetchDropped(logger, TenantId, pending.Fetch.Kind, fetchId);
            state.State.Pending.Remove(fetchId);
        }

        await state.WriteStateAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Pending.Count == 0)
        {
            if (await this.GetReminder(reminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            return;
        }

        await StartPendingAsync();
    }

    private async Task DoneAsync(string fetchId)
    {
        state.State.Pending.Remove(fetchId);
        await state.WriteStateAsync();
    }

    private IProductGrain Product(string productId) => GrainFactory.Reference<IProductGrain>(CommerceKeys.Of(TenantId, productId));

    private async Task StartPendingAsync()
    {
        foreach (var (fetchId, pending) in state.State.Pending)
        {
            if (!inFlight.Add(fetchId))
            {
                continue;
            }

            var credentials = await GrainFactory.GetGrain<ICommerceConnectionGrain>(ConnectionKeys.Of(ConnectionKeys.Square, pending.Fetch.MerchantId))
                .GetCredentialsAsync();
            var baseUrl = credentials?.ApiBaseUrl is { } url ? new Uri(url) : options.Value.SquareApiBaseUrl;
            var target = new SquareApiTarget(baseUrl, credentials?.AccessToken);
            var fetch = pending.Fetch;
            var since = state.State.CatalogSyncedUntil;
            var self = this.AsReference<ISquareSyncGrain>();

            // Off the grain scheduler: the fetch may take seconds and must not hold this grain's turn.
            _ = Task.Run(() => RunFetchAsync(self, square, target, fetchId, fetch, since));
        }
    }

    private static async Task RunFetchAsync(ISquareSyncGrain self, SquareApiClient square, SquareApiTarget target, string fetchId, SquareFetch fetch, DateTimeOffset? since)
    {
        try
        {
            if (fetch.Kind == "order")
            {
                var order = await square.RetrieveOrderAsync(target, fetch.OrderId ?? "", CancellationToken.None);
                await self.CompleteOrderAsync(fetchId, order);
            }
            else
            {
                var changes = await square.SearchCatalogAsync(target, since, CancellationToken.None);
                await self.CompleteCatalogAsync(fetchId, changes.Products, changes.DeletedProductIds, changes.LatestTime);
            }
        }
#pragma warning disable CA1031 // Any failure leaves the work pending for the next reminder tick.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            try
            {
                await self.FailAsync(fetchId, ex.GetType().Name + ": " + ex.Message);
            }
#pragma warning disable CA1031
            catch (Exception)
#pragma warning restore CA1031
            {
                // The silo is going away; the reminder picks the work up after the restart.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Square {Kind} fetch for tenant {TenantId} failed (attempt {Attempts}): {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string tenantId, string kind, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Square {Kind} fetch {FetchId} for tenant {TenantId} dropped after too many attempts")]
    private static partial void LogFetchDropped(ILogger logger, string tenantId, string kind, string fetchId);
}

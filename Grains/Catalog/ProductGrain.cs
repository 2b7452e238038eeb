using System.Text.Json;
using BetterData.Grains.Demand;
using BetterData.Grains.Events;
using BetterData.Grains.Hosting;
using BetterData.Grains.Sessions;
using BetterData.Grains.Tenants;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Catalog;

public sealed partial class ProductGrain(
    [PersistentState("product", StorageNames.Products)] IPersistentState<ProductState> state,
    TimeProvider time,
    IOptions<DemandOptions> demandOptions,
    ICatalogStore catalog,
    ILogger<ProductGrain> logger) : Grain, IProductGrain, IRemindable
{
    private const string DemandReminderName = "demand";
    private const int MaxReservations = 1_000;
    private const int MaxInterestedSessions = 1_000;
    private const int SalesHours = 24 * 90;

    // A provider retries an event within hours; a product's older events are stale by updated_at anyway.
    private const int MaxRecentEventIds = 16;

    // The catalog row this activation last wrote (null until it wrote one), and the item ids of the persisted state
    // when it activated (what the catalog row it found names, unless a crash came between a state and a row write).
    private IndexedRow? indexed;
    private string[] activatedItems = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        activatedItems = state.State.Deleted || !state.State.Listed ? [] : ItemIds();
        return Task.CompletedTask;
    }

    private string TenantId => CommerceKeys.Split(this.GetPrimaryKeyString()).TenantId;
    private string ProductId => CommerceKeys.Split(this.GetPrimaryKeyString()).Id;

    public async Task<ApplyResult> ApplySnapshotAsync(ProductSnapshot snapshot, string? eventId)
    {
        var recent = state.State.RecentEventIds;
        if (eventId is not null && recent.Contains(eventId))
        {
            return ApplyResult.Duplicate;
        }

        if (Apply(snapshot) is not { } availableBefore)
        {
            return ApplyResult.Stale;
        }

        if (eventId is not null)
        {
            recent.Add(eventId);
            if (recent.Count > MaxRecentEventIds)
            {
                recent.RemoveAt(0);
            }
        }

        await SaveAsync(availableBefore);
        return ApplyResult.Applied;
    }

    public async Task<bool> ImportAsync(ProductSnapshot snapshot, IReadOnlyList<ImportedStock> stock)
    {
        if (stock.FirstOrDefault(level => !snapshot.Variants.Any(v => v.VariantId == level.VariantId)) is { } unnamed)
        {
            throw new ArgumentException($"Stock for variant '{unnamed.VariantId}', which the listing does not name.", nameof(stock));
        }

        if (Apply(snapshot) is null)
        {
            return false;
        }

        foreach (var level in stock)
        {
            var variant = state.State.Variants.Find(v => v.VariantId == level.VariantId)!;
            if (level.Available > variant.Stock.GetValueOrDefault(level.LocationId))
            {
                state.State.StockoutEpisodeOpen = false;
            }

            variant.Stock[level.LocationId] = level.Available;
            variant.StockUpdatedAt[level.LocationId] = snapshot.UpdatedAt;
        }

        await WriteAsync();
        return true;
    }

    // The listing's fields from a snapshot; returns the availability before, or null when the snapshot is stale.
    private int? Apply(ProductSnapshot snapshot)
    {
        var s = state.State;
        if (state.RecordExists && snapshot.UpdatedAt < s.UpdatedAt)
        {
            return null;
        }

        var before = Available();
        s.Listed = true;
        s.Deleted = false;
        s.Title = snapshot.Title;
        s.Description = snapshot.Description;
        s.Price = snapshot.Price;
        s.Currency = snapshot.Currency;
        s.Images = [.. snapshot.Images];
        s.Status = snapshot.Status;
        s.UpdatedAt = snapshot.UpdatedAt;
        var old = s.Variants.ToDictionary(v => v.VariantId);
        s.Variants = [.. snapshot.Variants.Select(v => new ProductVariantState
        {
            VariantId = v.VariantId,
            Sku = v.Sku,
            InventoryItemId = v.InventoryItemId,
            Price = v.Price,
            Stock = old.TryGetValue(v.VariantId, out var held) ? held.Stock : [],
            StockUpdatedAt = held?.StockUpdatedAt ?? [],
        })];
        return before;
    }

    public async Task<ApplyResult> DeleteAsync(DateTimeOffset at)
    {
        if (state.RecordExists && at < state.State.UpdatedAt)
        {
            return ApplyResult.Stale;
        }

        var before = Available();
        state.State.Deleted = true;
        state.State.UpdatedAt = at;
        await SaveAsync(before);
        return ApplyResult.Applied;
    }

    public async Task<ApplyResult> SetStockAsync(string variantId, string locationId, int available, DateTimeOffset at)
    {
        var before = Available();
        var result = SetStock(state.State.Variants.Find(v => v.VariantId == variantId), locationId, available, at);
        if (result == ApplyResult.Applied)
        {
            await SaveAsync(before);
        }

        return result;
    }

    private ApplyResult SetStock(ProductVariantState? variant, string locationId, int available, DateTimeOffset at)
    {
        if (variant is null)
        {
            return ApplyResult.Unmatched;
        }

        if (variant.StockUpdatedAt.TryGetValue(locationId, out var heldAt) && at < heldAt)
        {
            return ApplyResult.Stale;
        }

        var before = Available();
        variant.Stock[locationId] = available;
        variant.StockUpdatedAt[locationId] = at;
        if (Available() > before)
        {
            state.State.StockoutEpisodeOpen = false; // a restock ends the episode: the next risk is news again
        }

        return ApplyResult.Applied;
    }

    public Task<ProductView?> GetAsync()
    {
        var s = state.State;
        if (!s.Listed)
        {
            return Task.FromResult<ProductView?>(null);
        }

        var variants = s.Variants.Select(v => new VariantView(v.VariantId, v.Sku, v.Price, v.Available,
            new Dictionary<string, int>(v.Stock))).ToList();
        return Task.FromResult<ProductView?>(new ProductView(ProductId, s.Title, s.Description, s.Price, s.Currency, s.Images,
            s.Deleted ? "deleted" : s.Status, s.Deleted, s.UpdatedAt, Available(), variants));
    }

    public async Task<bool> ReserveAsync(string reservationId, string? variantId, int quantity)
    {
        var s = state.State;
        if (s.Reservations.ContainsKey(reservationId))
        {
            return true;
        }

        if (!s.Listed || s.Deleted || quantity <= 0)
        {
            return false;
        }

        var candidates = s.Variants.Where(v => variantId is null || v.VariantId == variantId)
            .SelectMany(v => v.Stock.Where(kv => kv.Value > 0).Select(kv => (Variant: v, Location: kv.Key, Count: kv.Value)))
            .OrderByDescending(c => c.Count)
            .ToList();
        if (candidates.Sum(c => c.Count) < quantity)
        {
            return false;
        }

        var before = Available();
        var taken = new List<ReservedStock>();
        var remaining = quantity;
        foreach (var (variant, location, count) in candidates)
        {
            var take = Math.Min(count, remaining);
            variant.Stock[location] = count - take;
            taken.Add(new ReservedStock(variant.VariantId, location, take));
            remaining -= take;
            if (remaining == 0)
            {
                break;
            }
        }

        s.Reservations[reservationId] = taken;
        s.ReservationOrder.Add(reservationId);
        while (s.ReservationOrder.Count > MaxReservations)
        {
            s.Reservations.Remove(s.ReservationOrder[0]);
            s.ReservationOrder.RemoveAt(0);
        }

        RecordSale(quantity);
        await SaveAsync(before);
        await EnsureDemandReminderAsync();
        return true;
    }

    public async Task ReleaseAsync(string reservationId)
    {
        var s = state.State;
        if (!s.Reservations.Remove(reservationId, out var taken))
        {
            return;
        }

        s.ReservationOrder.Remove(reservationId);
        foreach (var item in taken)
        {
            if (s.Variants.Find(v => v.VariantId == item.VariantId) is { } variant)
            {
                variant.Stock[item.LocationId] = variant.Stock.GetValueOrDefault(item.LocationId) + item.Quantity;
            }
        }

        RecordSale(-taken.Sum(t => t.Quantity));
        await SaveAsync(Available());
    }

    public async Task RegisterInterestAsync(string sessionId)
    {
        var sessions = state.State.InterestedSessions;
        if (sessions.Contains(sessionId))
        {
            return;
        }

        sessions.Add(sessionId);
        if (sessions.Count > MaxInterestedSessions)
        {
            sessions.RemoveAt(0);
        }

        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<SalesBucket>> GetSalesAsync() =>
        Task.FromResult<IReadOnlyList<SalesBucket>>([.. state.State.HourlySales.Select(kv =>
            new SalesBucket(DateTimeOffset.FromUnixTimeSeconds(kv.Key * 3600), kv.Value))]);

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == DemandReminderName ? CheckDemandAsync() : Task.CompletedTask;

    public async Task<DemandCheck> CheckDemandAsync()
    {
        var options = demandOptions.Value;
        var s = state.State;
        var now = time.GetUtcNow();
        var hour = now.ToUnixTimeSeconds() / 3600;
        var available = Available();
        var velocity = DemandSignals.Velocity(s.HourlySales, hour, options.VelocityWindow);
        var cover = DemandSignals.DaysOfCover(available, velocity);
        var unitsThisHour = s.HourlySales.GetValueOrDefault(hour);
        var baseline = DemandSignals.HourlyBaseline(s.HourlySales, hour, options.SpikeBaselineWindow);
        if (available == 0 || velocity <= 0 || s.Deleted || !s.Listed)
        {
            await SetDemandReminderAsync(false);
            return new DemandCheck(available, velocity, cover, unitsThisHour, baseline, false, false, true);
        }

        // The tenant's own threshold if it set one (a tenant that does not exist, as in tests that drive products
        // alone, falls back to the configured one).
        var threshold = (await GrainFactory.GetGrain<ITenantGrain>(TenantId).GetDemandSettingsAsync())?.StockoutCoverDays
            ?? options.CoverThresholdFor(TenantId);
        var events = GrainFactory.GetGrain<ITenantEventsGrain>(TenantId);
        var changed = false;
        var risk = false;
        if (cover < threshold && !s.StockoutEpisodeOpen)
        {
            // Publish, then record: a crash in between republishes under the same key, which the store deduplicates.
            var episode = s.StockoutEpisodes + 1;
            var data = JsonSerializer.Serialize(new
            {
                productId = ProductId,
                title = s.Title,
                available,
                velocityPerDay = Math.Round(velocity, 3),
                daysOfCover = Math.Round(cover.Value, 3),
                thresholdDays = threshold,
                windowDays = options.VelocityWindow.TotalDays,
                at = now,
            }, JsonSerializerOptions.Web);
            await events.PublishAsync(new PublishRequest(EventTypes.DemandSignalStockoutRisk, data, $"stockout:{ProductId}:{episode}"));
            s.StockoutEpisodes = episode;
            s.StockoutEpisodeOpen = true;
            changed = risk = true;
            LogStockoutRisk(logger, TenantId, ProductId, cover.Value, threshold);
        }
        else if (s.StockoutEpisodeOpen && cover > threshold * options.RearmFactor)
        {
            s.StockoutEpisodeOpen = false; // hysteresis: recovered well above the threshold
            changed = true;
        }

        var spike = false;
        if (s.LastSpikeHour != hour && DemandSignals.IsSpike(unitsThisHour, baseline, options))
        {
            var data = JsonSerializer.Serialize(new
            {
                productId = ProductId,
                title = s.Title,
                hourStart = DateTimeOffset.FromUnixTimeSeconds(hour * 3600),
                unitsThisHour,
                baselinePerHour = Math.Round(baseline, 3),
                factor = options.SpikeFactor,
                minUnits = options.SpikeMinUnits,
                at = now,
            }, JsonSerializerOptions.Web);
            await events.PublishAsync(new PublishRequest(EventTypes.DemandSignalSpikeDetected, data, $"spike:{ProductId}:{hour}"));
            s.LastSpikeHour = hour;
            changed = spike = true;
            LogSpike(logger, TenantId, ProductId, unitsThisHour, baseline);
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        return new DemandCheck(available, velocity, cover, unitsThisHour, baseline, risk, spike, false);
    }

    private Task EnsureDemandReminderAsync() => state.State.DemandReminder ? Task.CompletedTask : SetDemandReminderAsync(true);

    private async Task SetDemandReminderAsync(bool on)
    {
        if (on == state.State.DemandReminder)
        {
            return;
        }

        if (on)
        {
            var period = demandOptions.Value.CheckPeriod;
            await this.RegisterOrUpdateReminder(DemandReminderName, period, period);
        }
        else if (await this.GetReminder(DemandReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        state.State.DemandReminder = on;
        await state.WriteStateAsync();
    }

    private CatalogEntry Entry()
    {
        var s = state.State;
        var variants = s.Variants.Select(v => new VariantSnapshot(v.VariantId, v.Sku, v.InventoryItemId, v.Price)).ToList();
        return new CatalogEntry(ProductId, s.Title, [.. s.Variants.Where(v => v.Sku is not null).Select(v => v.Sku!)],
            s.Price, s.Currency, Available(), variants);
    }

    private int Available() => state.State.Deleted ? 0 : state.State.Variants.Sum(v => v.Available);

    private void RecordSale(int units)
    {
        var hour = time.GetUtcNow().ToUnixTimeSeconds() / 3600;
        var sales = state.State.HourlySales;
        sales[hour] = Math.Max(0, sales.GetValueOrDefault(hour) + units);
        while (sales.Count > 0 && sales.Keys.First() <= hour - SalesHours)
        {
            sales.Remove(sales.Keys.First());
        }
    }

    // State first, then the index, then alerts: a crash after the write leaves at worst a stale catalog row that the
    // next change of this product repairs.
    private async Task SaveAsync(int availableBefore)
    {
        await WriteAsync();
        if (availableBefore > 0 && Available() == 0 && !state.State.Deleted)
        {
            await AlertOutOfStockAsync();
        }
    }

    // The state, its catalog row, and the stock counts that reached the tenant's inbox before this product named their
    // inventory items: the row write returns them once the row names the items (the inbox parks a count only when the
    // catalog does not resolve its item, and resolves again after parking, so whichever comes second applies it).
    // Applied counts change the state and the row's availability, so both are written again before the counts are
    // unparked: a crash in between leaves them parked, and applying them again is a no-op (updated_at).
    private async Task WriteAsync()
    {
        await state.WriteStateAsync();
        if (await IndexAsync() is not { Count: > 0 } parked)
        {
            return;
        }

        var applied = false;
        foreach (var change in parked)
        {
            var variant = state.State.Variants.Find(v => v.InventoryItemId == change.InventoryItemId);
            applied |= SetStock(variant, change.LocationId, change.Available, change.UpdatedAt) == ApplyResult.Applied;
        }

        if (applied)
        {
            await state.WriteStateAsync();
            await IndexAsync();
        }

        await catalog.UnparkAsync(TenantId, parked);
    }

    // This grain is its catalog row's only writer, so an unchanged row needs no write, and the ids its last row named
    // (as persisted when it activated, then as written since) are the ones a new row may leave stale. The row claims
    // the inventory items this activation's rows had not named before (all of them on its first write, since a crash
    // between a state write and a row write can leave the row it found behind the state); returns their parked counts.
    private async Task<IReadOnlyList<InventoryChange>> IndexAsync()
    {
        var s = state.State;
        CatalogEntry? entry = s.Deleted || !s.Listed ? null : Entry();
        if (indexed is { } held && (entry is null ? held.Entry is null : held.Entry is not null && Same(held.Entry, entry)))
        {
            return [];
        }

        var before = indexed?.Items ?? activatedItems;
        var now = entry is null ? [] : ItemIds();
        var named = indexed?.Entry is null ? [] : indexed.Items;
        IReadOnlyList<InventoryChange> parked = [];
        if (entry is null)
        {
            await catalog.RemoveAsync(TenantId, ProductId, before);
        }
        else
        {
            string[] claims = [.. s.Variants.Select(v => v.InventoryItemId).OfType<string>().Where(item => !named.Contains(item, StringComparer.Ordinal))];
            parked = await catalog.UpsertAsync(TenantId, entry, [.. before.Except(now, StringComparer.Ordinal)], claims);
        }

        indexed = new IndexedRow(entry, now);
        return parked;
    }

    private string[] ItemIds() =>
        [.. state.State.Variants.SelectMany(v => v.InventoryItemId is { } item ? new[] { v.VariantId, item } : [v.VariantId]).Distinct(StringComparer.Ordinal)];

    // Records compare lists by reference, so compare those by content and the rest by value.
    private static bool Same(CatalogEntry a, CatalogEntry b) =>
        a with { Skus = b.Skus, Variants = b.Variants } == b && a.Skus.SequenceEqual(b.Skus) && a.Variants.SequenceEqual(b.Variants);

    private sealed record IndexedRow(CatalogEntry? Entry, string[] Items);

    private async Task AlertOutOfStockAsync()
    {
        var now = time.GetUtcNow();
        LogOutOfStock(logger, TenantId, ProductId, state.State.InterestedSessions.Count);
        var data = JsonSerializer.Serialize(new { tenantId = TenantId, productId = ProductId, title = state.State.Title, at = now });
        await GrainFactory.GetGrain<ITenantEventsGrain>(TenantId).PublishAsync(new PublishRequest(
            EventTypes.InventoryOutOfStock, data, $"oos:{ProductId}:{now.ToUnixTimeMilliseconds()}"));
        await Task.WhenAll(state.State.InterestedSessions.Select(id =>
            GrainFactory.GetGrain<ISessionGrain>(id).AlertOutOfStockAsync(ProductId, now)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Product {ProductId} of tenant {TenantId}: stockout risk, {DaysOfCover:F1} days of cover < {Threshold}")]
    private static partial void LogStockoutRisk(ILogger logger, string tenantId, string productId, double daysOfCover, double threshold);

    [LoggerMessage(Level = LogLevel.Information, Message = "Product {ProductId} of tenant {TenantId}: spike, {Units} units this hour vs baseline {Baseline:F2}/h")]
    private static partial void LogSpike(ILogger logger, string tenantId, string productId, int units, double baseline);

    [LoggerMessage(Level = LogLevel.Information, Message = "Product {ProductId} of tenant {TenantId} is out of stock; {Sessions} sessions interested")]
    private static partial void LogOutOfStock(ILogger logger, string tenantId, string productId, int sessions);
}

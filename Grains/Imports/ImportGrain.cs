using System.Text.Json;
using BetterData.Grains.Catalog;
using BetterData.Grains.Events;
using BetterData.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Imports;

/// <summary>
/// Processes one batch of products per turn and queues the next as a one-way call to itself, so status reads
/// interleave with the work and no turn is long. The product enumerator lives in the activation; after a restart
/// (woken by the reminder) the file is re-read from the start and the products covering the recorded
/// <see cref="ImportState.RowsRead"/> rows skipped (progress only ever ends on a product's last row). Re-applying a
/// batch cut short by a crash is harmless: every product is an idempotent upsert stamped with the import's start time.
/// </summary>
public sealed partial class ImportGrain(
    [PersistentState("import", StorageNames.Default)] IPersistentState<ImportState> state,
    IImportStore store,
    IOptions<ImportOptions> options,
    TimeProvider time,
    ILogger<ImportGrain> logger) : Grain, IImportGrain, IRemindable
{
    private const string ReminderName = "import";
    private const int EventErrors = 10;

    private IAsyncEnumerator<CatalogProduct>? products;
    private bool running;
    private long checkpointRows;
    private long rowsAtLastTick = -1;

    private string TenantId => CommerceKeys.Split(this.GetPrimaryKeyString()).TenantId;
    private string ImportId => CommerceKeys.Split(this.GetPrimaryKeyString()).Id;

    public async Task AppendChunkAsync(int sequence, byte[] data)
    {
        if (state.State.Status is not null)
        {
            throw new InvalidOperationException("The import has started; its upload is closed.");
        }

        await store.SaveChunkAsync(this.GetPrimaryKeyString(), sequence, data);
    }

    public async Task<ImportView> StartAsync(ImportFormat format, int chunks, long bytes)
    {
        var s = state.State;
        if (s.Status is null)
        {
            s.Status = ImportStatus.Processing;
            s.Format = format;
            s.Chunks = chunks;
            s.Bytes = bytes;
            s.CreatedAt = time.GetUtcNow();
            await this.RegisterOrUpdateReminder(ReminderName, options.Value.ResumePeriod, options.Value.ResumePeriod);
            await state.WriteStateAsync();
            LogStarted(logger, TenantId, ImportId, format, bytes);
            await KickAsync();
        }

        return View();
    }

    public Task<ImportView?> GetAsync() => Task.FromResult(state.State.Status is null ? null : View());

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Status == ImportStatus.Processing)
        {
            // A chain that made no progress since the last tick is presumed lost (a dropped message): start another.
            if (state.State.RowsRead == rowsAtLastTick)
            {
                running = false;
            }

            rowsAtLastTick = state.State.RowsRead;
            await KickAsync();
        }
        else if (state.State.Status is not null)
        {
            await AnnounceAsync();
        }
    }

    public async Task ContinueAsync()
    {
        var s = state.State;
        if (s.Status != ImportStatus.Processing)
        {
            running = false;
            return;
        }

        try
        {
            var (end, fileError) = await ProcessBatchAsync();
            if (end)
            {
                Finish(fileError);
            }

            if (end || s.RowsRead - checkpointRows >= options.Value.CheckpointRows)
            {
                await CheckpointAsync();
            }

            if (end)
            {
                running = false;
                await AnnounceAsync();
            }
            else
            {
                await this.AsReference<IImportGrain>().ContinueAsync();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Left for the reminder: a fresh activation resumes from the last checkpoint.
            LogBatchFailed(logger, ex, TenantId, ImportId, s.RowsRead);
            running = false;
            this.DeactivateOnIdle();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await CloseRowsAsync();

    private async Task<(bool End, string? FileError)> ProcessBatchAsync()
    {
        var s = state.State;
        var limits = options.Value;
        var batch = new List<CatalogProduct>();
        var batchRows = 0L;
        var end = false;
        string? fileError = null;
        try
        {
            products ??= await OpenAsync();
            while (batchRows < limits.BatchSize)
            {
                if (!await products.MoveNextAsync())
                {
                    end = true;
                    break;
                }

                var product = products.Current;
                if (s.RowsRead + batchRows + product.Rows > limits.MaxRows)
                {
                    fileError = $"The file has more than {limits.MaxRows} rows; rows from line {product.Line} on were not imported.";
                    end = true;
                    break;
                }

                batch.Add(product);
                batchRows += product.Rows;
            }
        }
        catch (InvalidDataException ex)
        {
            fileError = ex.Message;
            end = true;
        }

        var good = batch.Where(p => p.Snapshot is not null).ToList();
        await Task.WhenAll(good.Select(p => GrainFactory.GetGrain<IProductGrain>(CommerceKeys.Of(TenantId, p.Snapshot!.ProductId))
            .ImportAsync(p.Snapshot, p.Stock)));

        var goodRows = good.Sum(p => (long)p.Rows);
        s.RowsRead += batchRows;
        s.RowsSucceeded += goodRows;
        s.RowsFailed += batchRows - goodRows;
        foreach (var error in batch.SelectMany(p => p.Errors).Take(Math.Max(0, limits.MaxErrors - s.Errors.Count)))
        {
            s.Errors.Add(error);
        }

        ImportMetrics.Rows.Add(goodRows, new KeyValuePair<string, object?>("result", "ok"));
        ImportMetrics.Rows.Add(batchRows - goodRows, new KeyValuePair<string, object?>("result", "rejected"));
        return (end, fileError);
    }

    // Every row of the batch is in its product (and catalog row) before the progress that covers it is written: a
    // crash in between re-applies rows, never skips them.
    private async Task CheckpointAsync()
    {
        await state.WriteStateAsync();
        checkpointRows = state.State.RowsRead;
    }

    private async Task<IAsyncEnumerator<CatalogProduct>> OpenAsync()
    {
        var s = state.State;
        checkpointRows = s.RowsRead;
        var stream = new ChunkStream(store, this.GetPrimaryKeyString(), s.Chunks);
        var rows = CatalogFileReader.ReadAsync(stream, s.Format);
        var enumerator = CatalogProducts.GroupAsync(rows, s.CreatedAt, options.Value.MaxRowsPerProduct, options.Value.MaxRows).GetAsyncEnumerator();
        for (var skipped = 0L; skipped < s.RowsRead && await enumerator.MoveNextAsync(); skipped += enumerator.Current.Rows)
        {
        }

        return enumerator;
    }

    private async Task CloseRowsAsync()
    {
        if (products is not null)
        {
            await products.DisposeAsync();
            products = null;
        }
    }

    private void Finish(string? fileError)
    {
        var s = state.State;
        s.Error = fileError;
        s.FinishedAt = time.GetUtcNow();
        s.Status = s.RowsSucceeded == 0 ? ImportStatus.Failed
            : s.RowsFailed > 0 || fileError is not null ? ImportStatus.Partial
            : ImportStatus.Completed;
        LogFinished(logger, TenantId, ImportId, s.Status, s.RowsSucceeded, s.RowsFailed);
    }

    // After the final state is durable; the idempotency key makes a repeat after a crash harmless.
    private async Task AnnounceAsync()
    {
        var s = state.State;
        if (s.Announced)
        {
            if (await this.GetReminder(ReminderName) is { } done)
            {
                await this.UnregisterReminder(done);
            }

            return;
        }

        var type = s.Status switch
        {
            ImportStatus.Completed => EventTypes.ImportCompleted,
            ImportStatus.Partial => EventTypes.ImportPartial,
            _ => EventTypes.ImportFailed,
        };
        var data = JsonSerializer.Serialize(new
        {
            importId = ImportId,
            status = s.Status,
            format = s.Format == ImportFormat.Csv ? "csv" : "json",
            rows = s.RowsRead,
            succeeded = s.RowsSucceeded,
            rejected = s.RowsFailed,
            errors = s.Errors.Take(EventErrors),
            error = s.Error,
            startedAt = s.CreatedAt,
            finishedAt = s.FinishedAt,
        }, JsonSerializerOptions.Web);
        await GrainFactory.GetGrain<ITenantEventsGrain>(TenantId).PublishAsync(new PublishRequest(type, data, "import:" + ImportId));
        await store.DeleteAsync(this.GetPrimaryKeyString());
        s.Announced = true;
        await state.WriteStateAsync();
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task KickAsync()
    {
        if (!running)
        {
            running = true;
            await this.AsReference<IImportGrain>().ContinueAsync();
        }
    }

    private ImportView View()
    {
        var s = state.State;
        return new ImportView(ImportId, s.Format, s.Status!, s.Bytes, s.RowsRead, s.RowsSucceeded, s.RowsFailed, [.. s.Errors], s.Error,
            s.CreatedAt, s.FinishedAt);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} of tenant {TenantId} started: {Format}, {Bytes} bytes")]
    private static partial void LogStarted(ILogger logger, string tenantId, string importId, ImportFormat format, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} of tenant {TenantId} {Status}: {Succeeded} rows ok, {Failed} rejected")]
    private static partial void LogFinished(ILogger logger, string tenantId, string importId, string status, long succeeded, long failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} of tenant {TenantId}: batch after row {RowsRead} failed; the reminder retries")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, string tenantId, string importId, long rowsRead);
}

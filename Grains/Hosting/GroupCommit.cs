using System.Threading.Channels;

namespace BetterData.Grains.Hosting;

/// <summary>
/// Group commit for a database table: callers add an item and await it; a few writer loops each take whatever is
/// queued (up to <c>maxBatch</c>) and write it in one statement, then complete those callers. A lone caller pays one
/// round trip with no timer delay; under load, hundreds of callers share one. A caller's task completes only after
/// the write that holds its item committed, so "durable before the call returns" still holds; a failed write fails
/// every caller in it. Written by hand: Npgsql has no group commit, and this is a Channel and a loop.
/// </summary>
public sealed class GroupCommit<T> : IAsyncDisposable
{
    private readonly Channel<(T Item, TaskCompletionSource Done)> queue =
        Channel.CreateUnbounded<(T, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Func<IReadOnlyList<T>, Task> write;
    private readonly int maxBatch;
    private readonly Task[] writers;

    public GroupCommit(Func<IReadOnlyList<T>, Task> write, int maxBatch = 512, int writers = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(writers, 1);
        this.write = write;
        this.maxBatch = maxBatch;
        this.writers = [.. Enumerable.Range(0, writers).Select(_ => Task.Run(WriteLoopAsync))];
    }

    public Task AddAsync(T item)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return queue.Writer.TryWrite((item, done)) ? done.Task : Task.FromException(new ObjectDisposedException(nameof(GroupCommit<T>)));
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<(T Item, TaskCompletionSource Done)>(maxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < maxBatch && queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try // every caller in the batch gets a failure; the loop survives it
            {
                await write([.. batch.Select(b => b.Item)]);
                batch.ForEach(b => b.Done.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(b => b.Done.TrySetException(ex));
            }

            batch.Clear();
        }
    }

    /// <summary>Stops taking items and waits for the queued ones to be written.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await Task.WhenAll(writers);
    }
}

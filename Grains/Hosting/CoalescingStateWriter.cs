namespace BetterData.Grains.Hosting;

/// <summary>
/// Shares one storage write among the callers of a reentrant grain (the Chirper pattern). A caller mutates the
/// state synchronously, then awaits <see cref="PersistAsync"/>: it returns once a write that started after the
/// caller's mutation has completed, so "written before the call returns" still holds, while concurrent callers
/// share writes instead of queueing one each. Single-threaded by the grain scheduler; no locks needed.
/// </summary>
public sealed class CoalescingStateWriter(Func<Task> write)
{
    private long mutations;
    private long persisted;
    private Task? writing;

    public async Task PersistAsync()
    {
        var mine = ++mutations;
        while (persisted < mine)
        {
            writing ??= WriteAsync(mutations);
            await writing;
        }
    }

    private async Task WriteAsync(long upTo)
    {
        try
        {
            await write();
            persisted = Math.Max(persisted, upTo);
        }
        finally
        {
            writing = null;
        }
    }
}

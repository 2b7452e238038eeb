namespace BetterData.Grains.Events;

/// <summary>
/// How a grain changes what publishing caches about a tenant (its endpoints, its plan): the tenant's events grain is
/// told before the change and after it, also when the change fails, so the next publish sees it and a grain that dies
/// half-way leaves caching off rather than stale. The endpoint registry and billing both change through this.
/// </summary>
internal static class PublishingRules
{
    public static async Task<T> ChangePublishingRulesAsync<T>(this ITenantEventsGrain events, Func<Task<T>> change)
    {
        await events.PublishingRulesChangingAsync();
        try
        {
            return await change();
        }
        finally
        {
            await events.PublishingRulesChangedAsync();
        }
    }
}

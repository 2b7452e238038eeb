namespace BetterData.Grains.Delivery;

/// <summary>When to try again after a failed attempt: the schedule with jitter, stretched (never shortened) by <c>Retry-After</c>.</summary>
public static class RetryPolicy
{
    /// <summary>Null when the schedule is exhausted after <paramref name="attemptsMade"/> attempts.</summary>
    public static TimeSpan? NextDelay(DeliveryOptions options, int attemptsMade, TimeSpan? retryAfter, double unitRandom)
    {
        var schedule = options.Schedule;
        if (attemptsMade >= schedule.Count)
        {
            return null;
        }

        var baseDelay = schedule[attemptsMade];
        var delay = baseDelay * (1 + (options.Jitter * ((2 * unitRandom) - 1)));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < options.MaxRetryAfter ? asked : options.MaxRetryAfter;
        }

        return delay;
    }
}

using System.Collections.Concurrent;
using BetterData.Grains.Events;

namespace BetterData.Grains.Tests.Commerce;

/// <summary>Records every event published through <see cref="ITenantEventsGrain"/>, with the tenant it went to.</summary>
public sealed class PublishRecorder : IIncomingGrainCallFilter
{
    public ConcurrentQueue<(string TenantId, PublishRequest Request)> Published { get; } = new();

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is ITenantEventsGrain && context.Request.GetArgumentCount() == 1 && context.Request.GetArgument(0) is PublishRequest request)
        {
            Published.Enqueue((context.TargetId.Key.ToString()!, request));
        }

        await context.Invoke();
    }

    public IReadOnlyList<PublishRequest> Of(string tenantId, string type) =>
        [.. Published.Where(p => p.TenantId == tenantId && p.Request.Type == type).Select(p => p.Request)];
}

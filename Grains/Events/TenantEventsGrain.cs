using System.Text.Json;
using System.Text.Json.Nodes;
using BetterData.Grains.Delivery;
using Orleans.Concurrency;

namespace BetterData.Grains.Events;

/// <summary>
/// A tenant's outbound event stream (key: tenant id). Stores the message (the store remembers idempotency keys for
/// 24 hours), fans it out to the endpoints whose filters match, and answers once every delivery is stored. Holds no
/// state of its own: keys and messages are in the delivery store, bounded by the key window and retention.
/// Reentrant, so a tenant's concurrent publishes share the store's group commits instead of queueing one after
/// another; publishes with the same idempotency key still take turns, so the key is looked up after the earlier one
/// stored its message.
/// </summary>
[Reentrant]
public sealed class TenantEventsGrain(IDeliveryStore store, TimeProvider time) : Grain, ITenantEventsGrain
{
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);

    private readonly Dictionary<string, Task> publishingKeys = new(StringComparer.Ordinal);

    public async Task<PublishResult> PublishAsync(PublishRequest request)
    {
        if (request.IdempotencyKey is not { } key)
        {
            return await PublishOnceAsync(request);
        }

        while (publishingKeys.TryGetValue(key, out var earlier))
        {
            await earlier.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Current);
        }

        var done = new TaskCompletionSource();
        publishingKeys[key] = done.Task;
        try
        {
            return await PublishOnceAsync(request);
        }
        finally
        {
            publishingKeys.Remove(key);
            done.SetResult();
        }
    }

    private async Task<PublishResult> PublishOnceAsync(PublishRequest request)
    {
        if (!EventTypes.IsKnown(request.Type))
        {
            throw new ArgumentException($"Unknown event type '{request.Type}'.", nameof(request));
        }

        var tenant = this.GetPrimaryKeyString();
        var now = time.GetUtcNow();
        var id = "msg_" + Guid.CreateVersion7(now).ToString("N");
        var body = new JsonObject
        {
            ["id"] = id,
            ["type"] = request.Type,
            ["timestamp"] = now,
            ["tenantId"] = tenant,
            ["data"] = JsonNode.Parse(request.DataJson),
        }.ToJsonString(JsonSerializerOptions.Web);
        var message = new OutboundMessage(id, tenant, request.Type, now, body);
        var stored = await store.SaveMessageAsync(message, request.IdempotencyKey, IdempotencyWindow);
        if (stored.Duplicate && stored.FannedOut)
        {
            return new PublishResult(stored.Message.Id, true, 0);
        }

        // A duplicate that is not fanned out means the first publish stopped before finishing: finish it now.
        // Enqueueing is idempotent per endpoint and message, so endpoints already served get nothing twice.
        message = stored.Message;
        var endpoints = await GrainFactory.GetGrain<IEndpointRegistryGrain>(tenant).MatchAsync(message.Type);
        await Task.WhenAll(endpoints.Select(e => GrainFactory.GetGrain<IEndpointDeliveryGrain>(e).EnqueueAsync(message)));
        if (request.IdempotencyKey is not null)
        {
            // Only a publish with a key can be repeated (and find this message), so only then is the mark read.
            await store.MarkFannedOutAsync(message.Id);
        }

        return new PublishResult(message.Id, stored.Duplicate, stored.Duplicate ? 0 : endpoints.Count);
    }
}

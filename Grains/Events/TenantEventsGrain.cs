using System.Buffers;
using System.Text;
using System.Text.Json;
using BetterData.Grains.Billing;
using BetterData.Grains.Delivery;
using BetterData.Grains.Hosting;
using Orleans.Concurrency;

namespace BetterData.Grains.Events;

/// <summary>
/// A tenant's outbound event stream (key: tenant id). Stores the message with a delivery to each endpoint whose
/// filters match, in one write (the store remembers idempotency keys for 24 hours), hands each delivery to its
/// endpoint, and answers once every delivery is stored and its endpoint will wake up for it. Holds no
/// state of its own: keys and messages are in the delivery store, bounded by the key window and retention.
/// Reentrant, so a tenant's concurrent publishes share the store's group commits instead of queueing one after
/// another; publishes with the same idempotency key still take turns, so the key is looked up after the earlier one
/// stored its message.
/// Which endpoints match an event type, and the tenant's capabilities, are cached per activation, so a publish costs
/// no call to the registry or to billing (those two calls were about a tenth of a publish's CPU). The registry and
/// billing bracket every change with <see cref="PublishingRulesChangingAsync"/> and
/// <see cref="PublishingRulesChangedAsync"/>: in between nothing is cached, and what was fetched across a change is used
/// but not kept. A grain that dies mid-change never sends the second call, which leaves caching off for this
/// activation: slower, never stale.
/// The plan is enforced here, for the API and every internal producer alike: without outbound webhooks nothing is
/// stored or sent. The platform's own ops alerts are exempt.
/// </summary>
[Reentrant]
public sealed class TenantEventsGrain(IDeliveryStore store, TimeProvider time) : Grain, ITenantEventsGrain
{
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);

    // Catalog types number a few dozen; federation.* types are open, so the cache stops growing here.
    private const int MaxCachedTypes = 256;

    private readonly Dictionary<string, Task> publishingKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> matches = new(StringComparer.Ordinal);
    private TenantCapabilitySnapshot? capabilities;
    private int changesUnderway;
    private long generation;

    public Task PublishingRulesChangingAsync()
    {
        changesUnderway++;
        Forget();
        return Task.CompletedTask;
    }

    public Task PublishingRulesChangedAsync()
    {
        changesUnderway = Math.Max(0, changesUnderway - 1);
        Forget();
        return Task.CompletedTask;
    }

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
        if (tenant != OpsAlertsGrain.PlatformTenant && await CapabilitiesAsync(tenant) is { OutboundWebhooks: false } plan)
        {
            return new PublishResult("", false, 0, plan.Plan);
        }

        var now = time.GetUtcNow();
        OutboundMessage message;
        var duplicate = false;
        if (request.IdempotencyKey is { } key && await store.FindByKeyAsync(tenant, key, now - IdempotencyWindow) is { } earlier)
        {
            if (earlier.FannedOut)
            {
                return new PublishResult(earlier.Message.Id, true, 0);
            }

            // The first publish stopped before finishing: finish it now. Deliveries are unique per endpoint and
            // message, so endpoints already served get nothing twice.
            message = earlier.Message;
            duplicate = true;
        }
        else
        {
            var id = "msg_" + Guid.CreateVersion7(now).ToString("N");
            message = new OutboundMessage(id, tenant, request.Type, now, Envelope(id, request.Type, now, tenant, request.DataJson));
        }

        // The message and its deliveries in one write (delivery ids start with the time-ordered message id, and a
        // repeated publish derives the same ones), then each endpoint takes its delivery: sent at once when it has a
        // free slot. Each answers once its wake-up is durable, so a crash after the answer still delivers.
        var endpoints = await MatchAsync(tenant, message.Type);
        var deliveries = NewDelivery.For(message.Id, endpoints);
        var added = await store.SaveAsync(message, request.IdempotencyKey, deliveries, now);
        await Task.WhenAll(deliveries.Select((d, i) => GrainFactory.Reference<IEndpointDeliveryGrain>(d.EndpointId).OfferAsync(d.DeliveryId, message, added[i])));
        if (request.IdempotencyKey is not null)
        {
            // Only a publish with a key can be repeated (and find this message), so only then is the mark read.
            await store.MarkFannedOutAsync(message.Id);
        }

        return new PublishResult(message.Id, duplicate, duplicate ? 0 : endpoints.Count);
    }

    // The body every endpoint receives, written straight to UTF-8 rather than built as a JSON DOM first; the data is
    // re-written token by token, so its formatting is normalised as before.
    private static string Envelope(string id, string type, DateTimeOffset timestamp, string tenant, string dataJson)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (dataJson.Length * 2));
        using (var data = JsonDocument.Parse(dataJson))
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("type", type);
            writer.WriteString("timestamp", timestamp);
            writer.WriteString("tenantId", tenant);
            writer.WritePropertyName("data");
            data.RootElement.WriteTo(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task<IReadOnlyList<string>> MatchAsync(string tenant, string type)
    {
        if (matches.TryGetValue(type, out var cached))
        {
            return cached;
        }

        var seen = generation;
        var fetched = await GrainFactory.Reference<IEndpointRegistryGrain>(tenant).MatchAsync(type);
        if (Keepable(seen) && matches.Count < MaxCachedTypes)
        {
            matches[type] = fetched;
        }

        return fetched;
    }

    private async Task<TenantCapabilitySnapshot> CapabilitiesAsync(string tenant)
    {
        if (capabilities is { } cached)
        {
            return cached;
        }

        var seen = generation;
        var fetched = await GrainFactory.Reference<ITenantCapabilitiesGrain>(tenant).GetCapabilitiesAsync();
        if (Keepable(seen))
        {
            capabilities = fetched;
        }

        return fetched;
    }

    // What was fetched may be kept only if no change started or ended meanwhile and none is underway.
    private bool Keepable(long fetchedAtGeneration) => generation == fetchedAtGeneration && changesUnderway == 0;

    private void Forget()
    {
        generation++;
        matches.Clear();
        capabilities = null;
    }
}


namespace BetterData.Grains.Events;

/// <summary>
/// A tenant's outbound event stream (key: tenant id). Until endpoints exist it only names the message;
/// fan-out to endpoints is added by the outbound-delivery work.
/// </summary>
public sealed class TenantEventsGrain : Grain, ITenantEventsGrain
{
    public Task<PublishResult> PublishAsync(PublishRequest request) =>
        Task.FromResult(new PublishResult("msg_" + Guid.NewGuid().ToString("N"), Duplicate: false, Deliveries: 0));
}

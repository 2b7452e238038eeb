namespace BetterData.Grains.Delivery;

/// <summary>
/// One endpoint (key: endpoint id): its configuration and secrets, the delivery of its messages with retries, its
/// health. Pending deliveries and attempts live in the delivery store, not in this grain's state, so the state stays
/// small however large the backlog is. Configuration changes come through <see cref="IEndpointRegistryGrain"/>.
/// </summary>
public interface IEndpointDeliveryGrain : IGrainWithStringKey
{
    /// <summary>Configures a new endpoint and returns its first signing secret (<paramref name="secret"/> or a new one).</summary>
    Task<string> CreateAsync(string tenantId, EndpointSpec spec, string? secret = null);

    Task<EndpointInfo?> GetAsync();

    Task<EndpointInfo?> UpdateAsync(EndpointPatch patch);

    Task DeleteAsync();

    /// <summary>A new secret; the previous one keeps signing for 24 hours so receivers can roll over.</summary>
    Task<string?> RotateSecretAsync();

    /// <summary>
    /// Whether this activation rewrote the stored signing secrets under the active key (each activation does, for
    /// secrets in clear or under another key), so calling it after a key rotation moves them. Throws when a stored
    /// secret's key is not configured (the activation fails).
    /// </summary>
    Task<bool> ResealSecretsAsync();

    /// <summary>
    /// Takes a delivery of the message that the publish already stored (pending, due now): starts it at once when an
    /// in-flight slot is free, else it waits its turn. <paramref name="added"/> is false when the endpoint already had
    /// a delivery of the message (a repeated publish), which then stays as the store has it. On return the endpoint
    /// will wake up for it even after a crash.
    /// </summary>
    Task OfferAsync(string deliveryId, OutboundMessage message, bool added);

    /// <summary>Sends what is due now. Timers and the reminder call it; tests call it to drive a fake clock.</summary>
    Task ProcessDueAsync();

    /// <summary>
    /// Takes the result of a send and schedules what follows. An activation records its own sends' results without a
    /// call; this is how a send that outlived its activation (deactivated meanwhile) reports to the one replacing it.
    /// </summary>
    Task RecordAttemptAsync(AttemptOutcome outcome);

    Task<DeliveryPage> ListDeliveriesAsync(DeliveryQuery query);

    Task<DeliveryDetail?> GetDeliveryAsync(string deliveryId);

    /// <summary>Resends one delivery now (a manual attempt). False when unknown.</summary>
    Task<bool> RetryDeliveryAsync(string deliveryId);

    /// <summary>Resends every failed delivery created since the time; returns how many.</summary>
    Task<int> RecoverAsync(DateTimeOffset since);
}

namespace BetterData.Grains.Delivery;

/// <summary>
/// Small by design: configuration, secrets, health, and whether the wake-up reminder is registered. Deliveries and
/// attempts live in <see cref="IDeliveryStore"/>.
/// </summary>
[GenerateSerializer, Alias("endpoint-delivery-state")]
public sealed class EndpointDeliveryState
{
    [Id(0)] public string TenantId { get; set; } = "";
    [Id(1)] public EndpointSpec? Spec { get; set; }
    // Each secret is stored encrypted (SecretProtector); the activation holds them in clear.
    [Id(2)] public List<EndpointSecret> Secrets { get; set; } = [];
    [Id(3)] public string? DisabledReason { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset? FailingSince { get; set; }
    [Id(6)] public DateTimeOffset? LastSuccessAt { get; set; }
    [Id(7)] public bool ReminderRegistered { get; set; }
    [Id(8)] public bool Deleted { get; set; }
}

/// <summary>A signing secret; a rotated-out one carries the time it stops signing.</summary>
[GenerateSerializer, Immutable, Alias("endpoint-secret")]
public sealed record EndpointSecret([property: Id(0)] string Secret, [property: Id(1)] DateTimeOffset? ExpiresAt);

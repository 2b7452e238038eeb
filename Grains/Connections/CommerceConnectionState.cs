namespace BetterData.Grains.Connections;

[GenerateSerializer, Alias("commerce-connection-state")]
public sealed class CommerceConnectionState
{
    [Id(0)] public string TenantId { get; set; } = "";
    // Secret, PreviousSecret and AccessToken are stored encrypted (SecretProtector), in clear only in an activation.
    [Id(1)] public string Secret { get; set; } = "";
    [Id(2)] public string? PreviousSecret { get; set; }
    [Id(3)] public DateTimeOffset? PreviousSecretValidUntil { get; set; }
    [Id(4)] public string? NotificationUrl { get; set; }
    [Id(5)] public string? AccessToken { get; set; }
    [Id(6)] public string? ApiBaseUrl { get; set; }
    [Id(7)] public DateTimeOffset UpdatedAt { get; set; }

    // Whether the tenant's connection list (ITenantConnectionsGrain) holds this connection.
    [Id(8)] public bool Listed { get; set; }
}

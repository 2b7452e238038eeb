namespace BetterData.Grains.Events;

/// <summary>
/// Platform operations alerts (single activation, key <see cref="Key"/>): payment failures, disabled endpoints.
/// Each alert is an error-level log, a metric, and a signed POST to the configured ops alert URL.
/// </summary>
public interface IOpsAlertsGrain : IGrainWithStringKey
{
    const string Key = "ops";

    Task RaiseAsync(OpsAlert alert);
}

[GenerateSerializer, Immutable, Alias("ops-alert")]
public sealed record OpsAlert(
    [property: Id(0)] string Kind,
    [property: Id(1)] string? TenantId,
    [property: Id(2)] string Summary,
    [property: Id(3)] string DataJson,
    [property: Id(4)] DateTimeOffset RaisedAt);

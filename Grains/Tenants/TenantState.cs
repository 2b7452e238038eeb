namespace BetterData.Grains.Tenants;

[GenerateSerializer, Alias("tenant-state")]
public sealed class TenantState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public byte[] ApiKeyHash { get; set; } = [];
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
}

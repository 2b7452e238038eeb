namespace BetterData.Grains.Tenants;

[GenerateSerializer, Alias("tenant-state")]
public sealed class TenantState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public byte[] ApiKeyHash { get; set; } = [];
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The tenant directory has this tenant (false for a tenant whose add has not completed yet).</summary>
    [Id(3)] public bool Listed { get; set; }

    /// <summary>Set when the tenant was deleted: it no longer exists for the API, and its id is not reused.</summary>
    [Id(4)] public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>The tenant's own stockout threshold (days of cover); null: the platform's.</summary>
    [Id(5)] public double? StockoutCoverDays { get; set; }
}

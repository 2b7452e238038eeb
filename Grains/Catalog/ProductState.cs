namespace BetterData.Grains.Catalog;

[GenerateSerializer, Alias("product-state")]
public sealed class ProductState
{
    [Id(0)] public bool Listed { get; set; }
    [Id(1)] public string Title { get; set; } = "";
    [Id(2)] public string? Description { get; set; }
    [Id(3)] public decimal? Price { get; set; }
    [Id(4)] public string? Currency { get; set; }
    [Id(5)] public List<string> Images { get; set; } = [];
    [Id(6)] public string Status { get; set; } = "active";
    [Id(7)] public bool Deleted { get; set; }
    [Id(8)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(9)] public List<ProductVariantState> Variants { get; set; } = [];

    /// <summary>Reservation id → what it took; bounded to the most recent (order grains are idempotent on their own).</summary>
    [Id(10)] public Dictionary<string, List<ReservedStock>> Reservations { get; set; } = [];
    [Id(11)] public List<string> ReservationOrder { get; set; } = [];

    /// <summary>Unix hour → units sold; a rolling window for demand signals.</summary>
    [Id(12)] public SortedDictionary<long, int> HourlySales { get; set; } = [];

    /// <summary>Sessions to alert when the product goes out of stock; bounded, oldest dropped first.</summary>
    [Id(13)] public List<string> InterestedSessions { get; set; } = [];

    /// <summary>The demand-check reminder is registered (saves a reminder-table read per sale).</summary>
    [Id(14)] public bool DemandReminder { get; set; }

    /// <summary>A stockout-risk episode is open: announced, not yet re-armed by a restock or recovered cover.</summary>
    [Id(15)] public bool StockoutEpisodeOpen { get; set; }

    /// <summary>Episodes announced so far; numbers the idempotency key so a retried announcement is deduplicated.</summary>
    [Id(16)] public int StockoutEpisodes { get; set; }

    /// <summary>Unix hour of the last announced spike (one per hour).</summary>
    [Id(17)] public long? LastSpikeHour { get; set; }

    /// <summary>The provider event ids of the latest snapshots applied, newest last (dedupe, written with the change).</summary>
    [Id(18)] public List<string> RecentEventIds { get; set; } = [];
}

[GenerateSerializer, Alias("product-variant-state")]
public sealed class ProductVariantState
{
    [Id(0)] public string VariantId { get; set; } = "";
    [Id(1)] public string? Sku { get; set; }
    [Id(2)] public string? InventoryItemId { get; set; }
    [Id(3)] public decimal? Price { get; set; }
    [Id(4)] public Dictionary<string, int> Stock { get; set; } = [];
    [Id(5)] public Dictionary<string, DateTimeOffset> StockUpdatedAt { get; set; } = [];

    public int Available => Stock.Values.Sum(v => Math.Max(0, v));
}

[GenerateSerializer, Immutable, Alias("reserved-stock")]
public sealed record ReservedStock([property: Id(0)] string VariantId, [property: Id(1)] string LocationId, [property: Id(2)] int Quantity);

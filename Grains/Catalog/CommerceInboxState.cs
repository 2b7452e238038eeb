namespace BetterData.Grains.Catalog;

/// <summary>
/// Only the parked stock counts: processed event ids are rows in the <see cref="IInboundEventLog"/>, catalog rows in
/// the <see cref="ICatalogStore"/>.
/// </summary>
[GenerateSerializer, Alias("commerce-inbox-state")]
public sealed class CommerceInboxState
{
    /// <summary>Stock counts waiting for their product, keyed <c>{item}|{location}</c>, oldest first.</summary>
    [Id(2)] public Dictionary<string, InventoryChange> Parked { get; set; } = [];
    [Id(3)] public List<string> ParkedOrder { get; set; } = [];
}

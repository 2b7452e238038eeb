namespace BetterData.Grains.Catalog;

[GenerateSerializer, Alias("commerce-inbox-state")]
public sealed class CommerceInboxState
{
    /// <summary>Recently processed provider event ids (source-prefixed) and when; bounded by count and age.</summary>
    [Id(0)] public Dictionary<string, DateTimeOffset> Seen { get; set; } = [];
    [Id(1)] public List<string> SeenOrder { get; set; } = [];
}

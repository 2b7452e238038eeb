namespace BetterData.Grains.Square;

/// <summary>Work a Square event leaves behind: <c>catalog</c> (SearchCatalogObjects since the stored time) or <c>order</c> (RetrieveOrder).</summary>
[GenerateSerializer, Immutable, Alias("square-fetch")]
public sealed record SquareFetch(
    [property: Id(0)] string Kind,
    [property: Id(1)] string MerchantId,
    [property: Id(2)] string? OrderId,
    [property: Id(3)] DateTimeOffset At);

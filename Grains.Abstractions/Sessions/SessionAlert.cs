namespace BetterData.Grains.Sessions;

[GenerateSerializer, Immutable, Alias("session-alert")]
public sealed record SessionAlert(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string Type,
    [property: Id(2)] string ProductId,
    [property: Id(3)] DateTimeOffset At);

namespace BetterData.Grains.Delivery;

/// <summary>One try. <paramref name="Trigger"/> is <c>scheduled</c> or <c>manual</c>; <paramref name="ErrorKind"/> is
/// null on success, else <c>http_status</c>, <c>timeout</c>, <c>connection</c>, <c>ssrf_refused</c>, <c>https_required</c>.</summary>
[GenerateSerializer, Immutable, Alias("delivery-attempt")]
public sealed record DeliveryAttempt(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Trigger,
    [property: Id(2)] int? StatusCode,
    [property: Id(3)] long DurationMs,
    [property: Id(4)] string? ErrorKind,
    [property: Id(5)] string? ResponseExcerpt);

using BetterData.Grains.Signing;

namespace BetterData.Grains.Delivery;

/// <summary>Everything one send needs, captured inside the grain turn so the send itself can run outside it.</summary>
public sealed record SendRequest(
    string EndpointId,
    Uri Url,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<HmacKey> Secrets,
    string MessageId,
    string Body,
    string Trigger);

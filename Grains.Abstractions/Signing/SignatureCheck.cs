namespace BetterData.Grains.Signing;

/// <summary>The outcome of checking a webhook signature. Only <see cref="Valid"/> lets a request in.</summary>
public enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,
    Mismatch,
    Stale,
}

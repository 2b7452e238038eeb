namespace BetterData.Grains.Delivery;

/// <summary>Thrown from the connect callback when every address of the host is refused by <see cref="SsrfGuard"/>.</summary>
public sealed class SsrfRefusedException(string host) : Exception($"Delivery to '{host}' refused: it resolves only to non-public addresses.")
{
    public string Host { get; } = host;
}

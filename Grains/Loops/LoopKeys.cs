namespace BetterData.Grains.Loops;

/// <summary>Keys of <see cref="ILoopEntityGrain"/>: <c>{tenant}/{loop}/{entityId}</c>.</summary>
public static class LoopKeys
{
    public static string Of(string tenantId, string loop, string entityId) => $"{tenantId}/{loop}/{entityId}";
}

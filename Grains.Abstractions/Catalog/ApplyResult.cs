namespace BetterData.Grains.Catalog;

/// <summary>What an inbound change did. Everything but <see cref="Applied"/> is acknowledged without a state change.</summary>
public enum ApplyResult
{
    Applied,
    Duplicate,
    Stale,
    Unmatched,
}

namespace BetterData.Grains.Hosting.Outage;

/// <summary>Why a request failed, as far as the caller should care: a passing outage (retry later) or not.</summary>
public enum OutageKind
{
    /// <summary>Not an outage: a fault of ours or of the request, answered 500 as before.</summary>
    None,

    /// <summary>PostgreSQL could not be reached or refused new work (shutting down, too many connections).</summary>
    Storage,

    /// <summary>A silo or gateway could not be reached, or a grain call timed out.</summary>
    Cluster,
}

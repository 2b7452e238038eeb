namespace BetterData.Grains.Sessions;

[GenerateSerializer, Alias("session-state")]
public sealed class SessionState
{
    [Id(0)] public string TenantId { get; set; } = "";
    [Id(1)] public string Status { get; set; } = SessionStatus.Active;
    [Id(2)] public List<string> Interests { get; set; } = [];
    [Id(3)] public string? OrderId { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset LastActivityAt { get; set; }
    [Id(6)] public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The most recent alerts only; the AI reads them by sequence number.</summary>
    [Id(7)] public List<SessionAlert> Alerts { get; set; } = [];
    [Id(8)] public long LastSequence { get; set; }
    [Id(9)] public string? CompletedBy { get; set; }
}

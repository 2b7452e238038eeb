namespace BetterData.Grains.Sessions;

public static class SessionStatus
{
    public const string Active = "active";
    public const string Completed = "completed";
    public const string Expired = "expired";
}

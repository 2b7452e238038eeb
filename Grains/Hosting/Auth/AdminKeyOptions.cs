namespace BetterData.Grains.Hosting.Auth;

/// <summary>The platform admin key (<c>Admin__ApiKey</c>). Development generates one when it is not set.</summary>
public sealed class AdminKeyOptions
{
    public string? ApiKey { get; set; }
}

namespace BetterData.Api.Management;

/// <summary>The session alert stream (<c>Sessions</c> section).</summary>
public sealed class SessionStreamOptions
{
    /// <summary>
    /// An idle stream sends an SSE comment line this often, so proxies and load balancers that close idle connections
    /// (nginx: 60 s by default) keep it open; clients ignore comments. 15 s, as the HTML standard suggests.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);
}

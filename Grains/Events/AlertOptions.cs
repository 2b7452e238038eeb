namespace BetterData.Grains.Events;

/// <summary>Where ops alerts are POSTed (<c>Alerts</c> section): signed like any delivery, with <see cref="Secret"/>.</summary>
public sealed class AlertOptions
{
    /// <summary>The ops alert receiver; unset means alerts are only logged and counted.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The signing secret (<c>whsec_…</c>) the receiver verifies with.</summary>
    public string? Secret { get; set; }
}

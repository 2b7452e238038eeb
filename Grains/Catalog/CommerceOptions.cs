namespace BetterData.Grains.Catalog;

/// <summary>Commerce sync settings (<c>Commerce</c> section).</summary>
public sealed class CommerceOptions
{
    /// <summary>How long a replaced Shopify/Square secret keeps verifying (Shopify takes up to an hour to switch).</summary>
    public TimeSpan SecretRotationGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long an API process reuses a connection's credentials for inbound webhooks before asking its grain again
    /// (zero: every time). A signature that fails against them is always checked against fresh ones.
    /// </summary>
    public TimeSpan CredentialCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An active session with no activity for this long expires.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Provider event ids an active inbox holds in memory for dedupe: at most this many ...</summary>
    public int RecentEventIdLimit { get; set; } = 5_000;

    /// <summary>... and none older than this (Shopify retries for 4 h, Square for up to 72 h).</summary>
    public TimeSpan RecentEventIdWindow { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How often processed event ids older than <see cref="RecentEventIdWindow"/> are deleted.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often pending Square fetches are retried (a reminder; Orleans' minimum is one minute).</summary>
    public TimeSpan SquareRetryPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A Square fetch is dropped (and logged) after this many failed rounds.</summary>
    public int SquareMaxAttempts { get; set; } = 30;

    /// <summary>Per-request timeout of the Square API client.</summary>
    public TimeSpan SquareRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per Square API call (transient errors, 429 and timeouts are retried with backoff).</summary>
    public int SquareRetries { get; set; } = 3;

    /// <summary>Square API base URL when a connection names none.</summary>
    public Uri SquareApiBaseUrl { get; set; } = new("https://connect.squareup.com");
}

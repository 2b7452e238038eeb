namespace BetterData.Grains.Delivery;

/// <summary>Outbound delivery settings (<c>Delivery</c> section).</summary>
public sealed class DeliveryOptions
{
    /// <summary>Svix's hosted schedule: the first entry is the first attempt, each next entry the wait after a failure.</summary>
    public static readonly TimeSpan[] DefaultSchedule =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>Refuse <c>http://</c> endpoint URLs (tests and local development turn it off).</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>CIDRs that delivery may reach although they are private, loopback, link-local, CGNAT or metadata.</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Per-attempt timeout; Svix expects a 2xx within 15 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Attempts in flight at once per endpoint, so one slow receiver is not flooded.</summary>
    public int MaxInFlightPerEndpoint { get; set; } = 4;

    /// <summary>Overrides <see cref="DefaultSchedule"/> (e.g. <c>Delivery__RetrySchedule__0=00:00:00</c>).</summary>
    public TimeSpan[]? RetrySchedule { get; set; }

    /// <summary>Each wait is moved by up to this fraction either way, so failed receivers are not hit in waves.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>The longest <c>Retry-After</c> (429/503) that is honoured; longer asks are capped.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>An endpoint failing with no success for this long is disabled with an ops alert.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromDays(5);

    /// <summary>How long finished deliveries, their attempts and messages are kept.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the retention cleanup runs.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a previous secret keeps signing after a rotation.</summary>
    public TimeSpan SecretOverlap { get; set; } = TimeSpan.FromHours(24);

    public IReadOnlyList<TimeSpan> Schedule => RetrySchedule is { Length: > 0 } s ? s : DefaultSchedule;
}

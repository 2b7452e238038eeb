using BetterData.Grains.Signing;

namespace BetterData.Api.Webhooks;

/// <summary>
/// What the pipeline answers. 200 outcomes (<c>accepted</c>, <c>duplicate</c>, <c>ignored</c>) tell the provider to
/// stop retrying; the others carry a problem body and change nothing.
/// </summary>
public sealed record WebhookOutcome(int StatusCode, string Result, string? Detail = null)
{
    public bool Acknowledged => StatusCode == StatusCodes.Status200OK;

    /// <summary>The event is durable in grain state.</summary>
    public static WebhookOutcome Accepted(string? detail = null) => new(StatusCodes.Status200OK, "accepted", detail);

    /// <summary>Already processed: nothing changed.</summary>
    public static WebhookOutcome Duplicate() => new(StatusCodes.Status200OK, "duplicate");

    /// <summary>A verified event of a type we do not handle, or one kept aside (unmatched): nothing changed.</summary>
    public static WebhookOutcome Ignored(string detail) => new(StatusCodes.Status200OK, "ignored", detail);

    /// <summary>Signature missing, malformed, wrong or stale; or an unknown shop/merchant. Reason is a metric label.</summary>
    public static WebhookOutcome Rejected(int statusCode, string reason, string detail) => new(statusCode, reason, detail);

    /// <summary>A signature that is not <see cref="SignatureCheck.Valid"/>; the reason label names how it failed.</summary>
    public static WebhookOutcome SignatureRejected(SignatureCheck check, int statusCode = StatusCodes.Status403Forbidden) =>
        Rejected(statusCode, "signature_" + check.ToString().ToLowerInvariant(), "The signature does not verify.");

    /// <summary>Verified but malformed or schema-invalid.</summary>
    public static WebhookOutcome Invalid(string detail) => new(StatusCodes.Status400BadRequest, "invalid_payload", detail);
}

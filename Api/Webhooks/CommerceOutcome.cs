using BetterData.Grains.Catalog;

namespace BetterData.Api.Webhooks;

/// <summary>How a commerce grain's <see cref="ApplyResult"/> is answered: all are 200, only <c>accepted</c> changed state.</summary>
internal static class CommerceOutcome
{
    public static WebhookOutcome Of(ApplyResult result) => result switch
    {
        ApplyResult.Applied => WebhookOutcome.Accepted(),
        ApplyResult.Duplicate => WebhookOutcome.Duplicate(),
        ApplyResult.Stale => WebhookOutcome.Ignored("Older than the state we hold."),
        _ => WebhookOutcome.Ignored("Nothing we hold matches."),
    };
}

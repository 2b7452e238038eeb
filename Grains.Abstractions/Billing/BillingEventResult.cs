namespace BetterData.Grains.Billing;

/// <summary>What a billing event did.</summary>
public enum BillingEventResult
{
    /// <summary>Applied: state changed (or a payment was recorded) and one audit entry was written.</summary>
    Applied = 0,

    /// <summary>The event id was already processed: nothing changed.</summary>
    Duplicate = 1,

    /// <summary>Older than the subscription state already held (or for an ended subscription): audited, state kept.</summary>
    Stale = 2,
}

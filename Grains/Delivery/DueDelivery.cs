namespace BetterData.Grains.Delivery;

/// <summary>A claimed delivery: what to send and how many attempts came before.</summary>
public sealed record DueDelivery(string DeliveryId, string MessageId, string Body, int Attempts, bool Manual);

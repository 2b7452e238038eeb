namespace BetterData.Grains.Loops;

/// <summary>
/// The loops and their state machines, as data: the API validates against them and the README lists them. Every
/// machine is acyclic, so "the entity has already been in the target state" identifies a repeated transition.
/// </summary>
public static class LoopMachines
{
    public const string Orders = "orders";
    public const string Procurement = "procurement";
    public const string Returns = "returns";
    public const string Quality = "quality";

    /// <summary>The state an entity is in before its first transition.</summary>
    public const string None = "none";

    public static IReadOnlyDictionary<string, LoopMachine> All { get; } = new Dictionary<string, LoopMachine>(StringComparer.Ordinal)
    {
        // Fed by the order grain (created, allocated, allocation_failed); completed and cancelled come from the tenant.
        [Orders] = new(Orders, new Dictionary<string, string[]>
        {
            [None] = ["created"],
            ["created"] = ["allocated", "allocation_failed"],
            ["allocated"] = ["completed", "cancelled"],
            ["allocation_failed"] = ["cancelled"],
        }, PlatformStates: ["created", "allocated", "allocation_failed"]),
        [Procurement] = new(Procurement, new Dictionary<string, string[]>
        {
            [None] = ["requested"],
            ["requested"] = ["approved", "cancelled"],
            ["approved"] = ["ordered", "cancelled"],
            ["ordered"] = ["shipped", "cancelled"],
            ["shipped"] = ["received"],
            ["received"] = ["closed"],
        }, PlatformStates: []),
        [Returns] = new(Returns, new Dictionary<string, string[]>
        {
            [None] = ["requested"],
            ["requested"] = ["authorized", "rejected"],
            ["authorized"] = ["received"],
            ["received"] = ["inspected"],
            ["inspected"] = ["refunded", "restocked", "disposed"],
        }, PlatformStates: []),
        [Quality] = new(Quality, new Dictionary<string, string[]>
        {
            [None] = ["reported"],
            ["reported"] = ["investigating", "dismissed"],
            ["investigating"] = ["escalated", "resolved"],
            ["escalated"] = ["resolved"],
            ["resolved"] = ["closed"],
        }, PlatformStates: []),
    };
}

using System.Text.Json.Nodes;
using BetterData.Grains.Events;

namespace BetterData.Api.Delivery;

/// <summary>The outbound catalog served by <c>GET /api/event-types</c>, with an example <c>data</c> each.</summary>
public static class EventCatalog
{
    public static IReadOnlyList<EventTypeInfo> All { get; } =
    [
        Entry(EventTypes.SubscriptionUpdated, "The tenant's plan or subscription status changed.",
            """{"plan":"growth","status":"active","capabilitiesVersion":3}"""),
        Entry(EventTypes.LoopCommitmentThresholdReached, "Usage crossed a threshold of the loop commitment.",
            """{"threshold":0.8,"percent":80,"used":8000,"committed":10000,"plan":"growth","periodStart":"2026-11-01T00:00:00Z","periodEnd":"2026-12-01T00:00:00Z"}"""),
        Entry(EventTypes.ImportCompleted, "A catalog import finished with every row applied.", """{"importId":"imp_123","status":"completed","format":"csv","rows":1200,"succeeded":1200,"rejected":0,"errors":[],"error":null}"""),
        Entry(EventTypes.ImportPartial, "A catalog import finished with some rows rejected.",
            """{"importId":"imp_123","status":"partial","format":"csv","rows":1200,"succeeded":1186,"rejected":14,"errors":[{"line":7,"field":"price","message":"'abc' is not a non-negative decimal such as 19.99."}],"error":null}"""),
        Entry(EventTypes.ImportFailed, "A catalog import failed.", """{"importId":"imp_123","status":"failed","format":"csv","rows":0,"succeeded":0,"rejected":0,"errors":[],"error":"The header row lacks required columns: title."}"""),
        Entry(EventTypes.OrderAllocationSucceeded, "An order's lines were allocated to stock.",
            """{"orderId":"ord_123","allocations":[{"sku":"SKU-1","locationId":"loc_1","quantity":2}]}"""),
        Entry(EventTypes.OrderAllocationFailed, "An order could not be allocated.", """{"orderId":"ord_123","reason":"insufficient_stock"}"""),
        Entry(EventTypes.DemandSignalSpikeDetected, "Sales velocity of a product spiked.",
            """{"productId":"prod_123","title":"Kettle","hourStart":"2026-11-01T15:00:00Z","unitsThisHour":42,"baselinePerHour":10.1,"factor":3,"minUnits":5}"""),
        Entry(EventTypes.DemandSignalStockoutRisk, "A product is likely to run out of stock soon.",
            """{"productId":"prod_123","title":"Kettle","available":30,"velocityPerDay":12,"daysOfCover":2.5,"thresholdDays":7,"windowDays":7}"""),
        Entry(EventTypes.LoopTransitioned, "A procurement, order, return or quality loop changed state.",
            """{"loop":"procurement","entityId":"po_123","from":"shipped","to":"received","at":"2026-11-01T12:00:00Z"}"""),
        Entry(EventTypes.InventoryOutOfStock, "A variant ran out of stock at a location.",
            """{"productId":"prod_123","variantId":"var_1","locationId":"loc_1"}"""),
        Entry(EventTypes.CheckoutCompleted, "A conversational checkout completed.", """{"sessionId":"ses_123","orderId":"ord_123","total":"49.90","currency":"EUR"}"""),
        Entry(EventTypes.FederationWildcard, "Commerce-gateway federation events (federation.<name>), sent to a merchant's webhookUrl.",
            """{"merchantId":"mer_123","event":"federation.order_created"}"""),
    ];

    private static EventTypeInfo Entry(string name, string description, string example) => new(name, description, JsonNode.Parse(example)!);
}

using BetterData.Api.Tests.Delivery;
using BetterData.Grains.Delivery;

namespace BetterData.Api.Tests.Faults;

/// <summary>Reads an endpoint's whole delivery log through the API, page by page.</summary>
internal static class DeliveryLog
{
    public static async Task<List<DeliveryDetail>> ReadAllAsync(HttpClient client, string tenant, string endpointId)
    {
        var details = new List<DeliveryDetail>();
        string? cursor = null;
        do
        {
            var page = await client.DeliveriesAsync(tenant, endpointId, cursor is null ? "?limit=100" : $"?limit=100&cursor={Uri.EscapeDataString(cursor)}");
            foreach (var item in page.Items)
            {
                details.Add(await client.DeliveryAsync(tenant, endpointId, item.Id));
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return details;
    }
}

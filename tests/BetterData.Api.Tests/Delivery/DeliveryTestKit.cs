using System.Net.Http.Json;
using System.Text.Json;
using BetterData.Api.Delivery;
using BetterData.Api.Tests.Infrastructure;
using BetterData.Grains.Delivery;

namespace BetterData.Api.Tests.Delivery;

/// <summary>Small helpers the delivery tests share: register, publish, read the log, and drive due work.</summary>
public static class DeliveryTestKit
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web);

    public static async Task<CreatedEndpoint> CreateEndpointAsync(this HttpClient client, string tenant, string url, params string[] eventTypes)
    {
        var response = await client.PostAsJsonAsync($"/api/tenants/{tenant}/endpoints", new { url, eventTypes });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CreatedEndpoint>(Json))!;
    }

    public static async Task<PublishedEvent> PublishAsync(this HttpClient client, string tenant, string type, object data, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenant}/events") { Content = JsonContent.Create(new { type, data }) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PublishedEvent>(Json))!;
    }

    public static async Task<DeliveryPage> DeliveriesAsync(this HttpClient client, string tenant, string endpointId, string query = "") =>
        (await client.GetFromJsonAsync<DeliveryPage>($"/api/tenants/{tenant}/endpoints/{endpointId}/deliveries{query}", Json))!;

    public static async Task<DeliveryDetail> DeliveryAsync(this HttpClient client, string tenant, string endpointId, string deliveryId) =>
        (await client.GetFromJsonAsync<DeliveryDetail>($"/api/tenants/{tenant}/endpoints/{endpointId}/deliveries/{deliveryId}", Json))!;

    /// <summary>Waits (bounded) until the delivery has <paramref name="attempts"/> recorded attempts: the send itself is real I/O.</summary>
    public static async Task<DeliveryDetail> WaitForAttemptsAsync(this HttpClient client, string tenant, string endpointId, string deliveryId, int attempts)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var detail = await client.DeliveryAsync(tenant, endpointId, deliveryId);
            if (detail.Attempts.Count >= attempts)
            {
                return detail;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {attempts} attempts, got {detail.Attempts.Count}.");
            }

            await Task.Delay(20);
        }
    }

    public static async Task<string> OnlyDeliveryIdAsync(this HttpClient client, string tenant, string endpointId)
    {
        var page = await client.DeliveriesAsync(tenant, endpointId);
        return Assert.Single(page.Items).Id;
    }

    public static Task ProcessDueAsync(this BetterDataApp app, string endpointId) =>
        app.Grains.GetGrain<IEndpointDeliveryGrain>(endpointId).ProcessDueAsync();
}

using System.Text.Json;

namespace BetterData.Api.Delivery;

/// <summary>Body of <c>POST .../events</c>.</summary>
public sealed record PublishEvent(string? Type, JsonElement? Data);

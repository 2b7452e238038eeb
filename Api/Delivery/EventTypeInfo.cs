using System.Text.Json.Nodes;

namespace BetterData.Api.Delivery;

/// <summary>One catalog entry with an example of its <c>data</c>.</summary>
public sealed record EventTypeInfo(string Name, string Description, JsonNode Example);

using BetterData.Grains.Connections;

namespace BetterData.Api.Management;

/// <summary>A tenant's connections (a handful per tenant, so one page).</summary>
public sealed record ConnectionList(IReadOnlyList<ConnectionView> Data);

using System.Globalization;
using BetterData.Grains.Tenants;

namespace BetterData.Benchmarks;

/// <summary>What <c>scale</c> activates: one tenant grain per index, created with a small state.</summary>
public sealed class ScaleToucher(IGrainFactory grains)
{
    public string Description { get; private set; } = "";

    public Task PrepareAsync(string grain)
    {
        Description = grain switch
        {
            "tenant" or "product" => "TenantGrain (created: name + key hash)",
            _ => throw new ArgumentException($"--grain is tenant or product, not '{grain}'."),
        };
        return Task.CompletedTask;
    }

    public Task TouchAsync(int index) =>
        grains.GetGrain<ITenantGrain>("scale-" + index.ToString(CultureInfo.InvariantCulture)).CreateAsync("Scale tenant", new byte[32]);
}

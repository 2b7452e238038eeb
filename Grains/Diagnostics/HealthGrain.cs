using Orleans.Concurrency;

namespace BetterData.Grains.Diagnostics;

[StatelessWorker]
public sealed class HealthGrain(ILocalSiloDetails silo) : Grain, IHealthGrain
{
    public Task<string> PingAsync() => Task.FromResult(silo.Name);
}

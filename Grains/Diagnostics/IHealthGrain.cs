namespace BetterData.Grains.Diagnostics;

/// <summary>Answers a ping from the silo it is called on; readiness checks use it to prove the cluster serves calls.</summary>
public interface IHealthGrain : IGrainWithIntegerKey
{
    Task<string> PingAsync();
}

using BetterData.Api.Tests.Infrastructure;
using BetterData.Benchmarks;

namespace BetterData.Api.Tests.Faults;

/// <summary>
/// N Silo processes and one Api client process against one PostgreSQL database, with shop-connected tenants.
/// Membership probes fast so a killed silo is voted dead within seconds, not the production default of about a minute.
/// </summary>
public sealed class FaultCluster : IAsyncDisposable
{
    public const string AdminKey = "bd_admin_fault_test_key";
    private readonly List<HostProcess> processes = [];

    private FaultCluster(Dictionary<string, string?> environment) => Environment = environment;

    public Dictionary<string, string?> Environment { get; }
    public IReadOnlyList<HostProcess> Silos => processes.Where(p => p.Name.StartsWith("silo", StringComparison.Ordinal)).ToList();
    public HostProcess Api => processes.Single(p => p.Name == "api");
    public string[] Tenants { get; private set; } = [];

    public static async Task<FaultCluster> StartAsync(string connectionString, int silos, int tenants, IDictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["Admin__ApiKey"] = AdminKey,
            ["Orleans__ClusterId"] = "faults-" + Guid.NewGuid().ToString("N")[..8],
            ["Orleans__Membership__ProbeTimeout"] = "00:00:01",
            ["Orleans__Membership__NumMissedProbesLimit"] = "2",
            ["Orleans__Membership__IAmAliveTablePublishTimeout"] = "00:00:05",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        var cluster = new FaultCluster(environment);
        for (var i = 0; i < silos; i++)
        {
            var silo = HostProcess.Start("Silo", $"silo-{i}", environment);
            cluster.processes.Add(silo);
            await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
        }

        var api = HostProcess.Start("Api", "api", new Dictionary<string, string?>(environment) { ["Orleans__Mode"] = "Client" });
        cluster.processes.Add(api);
        await api.WaitReadyAsync(TimeSpan.FromSeconds(90));
        cluster.Tenants = await ShopTenants.CreateAsync(api.Client(AdminKey), tenants);
        return cluster;
    }

    /// <summary>Waits (bounded) until every tenant's products answer again, so the lost-event check reads settled state.</summary>
    public async Task WaitServingAsync(TimeSpan timeout)
    {
        using var admin = Api.Client(AdminKey);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var healthy = 0;
            foreach (var tenant in Tenants)
            {
                try
                {
                    using var response = await admin.GetAsync($"/api/tenants/{tenant}/products?q=product");
                    healthy += response.IsSuccessStatusCode ? 1 : 0;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }
            }

            if (healthy == Tenants.Length)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{healthy}/{Tenants.Length} tenants serve reads after {timeout}.");
            }

            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using BetterData.Api.Management;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BetterData.Api.Tests.Infrastructure;

/// <summary>
/// The real Api (co-hosting a silo) on Kestrel on a free loopback port, so tests go over real HTTP.
/// Embedded mode unless a PostgreSQL connection string is given. Create one per test with <c>await using</c>.
/// </summary>
public sealed class BetterDataApp : WebApplicationFactory<Program>
{
    public const string AdminKey = "bd_admin_test_key_0123456789abcdef";
    public const string StripeSecret = "whsec_test_stripe_secret";
    public const string BetterDataSecret = "test_betterdata_webhook_secret";

    /// <summary>The key stored secrets are encrypted under in tests (32 bytes, base64; see SecretProtector).</summary>
    public const string SecretsKey = "dGVzdC1vbmx5LXNlY3JldHMta2V5LTMyLWJ5dGVzISE=";

    private readonly Dictionary<string, string?> settings;
    private readonly TimeProvider? time;
    private readonly Action<IServiceCollection>? replacements;

    /// <param name="time">The clock of everything in the process, Orleans included.</param>
    /// <param name="services">Registrations that replace the host's (a fake clock for one service, say).</param>
    public BetterDataApp(string? postgres = null, TimeProvider? time = null, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        this.time = time;
        replacements = services;
        this.settings = new Dictionary<string, string?>
        {
            ["Admin:ApiKey"] = AdminKey,
            ["STRIPE_WEBHOOK_SECRET"] = StripeSecret,
            ["WEBHOOK_SECRET"] = BetterDataSecret,
            ["Orleans:ClusterId"] = "test-" + Guid.NewGuid().ToString("N")[..8],
            ["Orleans:SiloPort"] = FreePort.Next().ToString(),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(),
            ["Delivery:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Delivery:RequireHttps"] = "false",
            ["Shutdown:DrainDelay"] = "00:00:00",
            ["ConnectionStrings:Postgres"] = postgres,
            ["Secrets:Keys:test"] = SecretsKey,
        };
        // A null value removes a default (say, the test encryption key).
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                this.settings.Remove(key);
            }
            else
            {
                this.settings[key] = value;
            }
        }

        UseKestrel(0);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (time is not null)
        {
            // Orleans' membership runs on the injected clock too, and mixes it with the real one in places (its watchdog
            // reports a 2,000-year stall): a test host once failed fast on "I have been told I am dead" with a fake clock
            // ahead of the real one. One silo needs no votes on who is alive, so those tests turn liveness off.
            builder.ConfigureServices(services =>
            {
                services.AddSingleton(time);
                services.Configure<Orleans.Configuration.ClusterMembershipOptions>(o => o.LivenessEnabled = false);
            });
        }

        if (replacements is not null)
        {
            builder.ConfigureServices(replacements);
        }
    }

    public T Service<T>() where T : notnull
    {
        StartServer();
        return Services.GetRequiredService<T>();
    }

    public IGrainFactory Grains => Service<IGrainFactory>();

    public HttpClient Anonymous()
    {
        StartServer();
        return CreateClient();
    }

    public HttpClient WithKey(string key)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public HttpClient Admin() => WithKey(AdminKey);

    /// <summary>Creates a tenant through the API and returns it with a client that carries its key.</summary>
    public async Task<(string Id, HttpClient Client)> CreateTenantAsync(string? id = null)
    {
        var response = await Admin().PostAsJsonAsync("/api/tenants", new { name = "Test tenant", id });
        response.EnsureSuccessStatusCode();
        var tenant = (await response.Content.ReadFromJsonAsync<CreatedTenant>())!;
        return (tenant.Id, WithKey(tenant.ApiKey));
    }
}

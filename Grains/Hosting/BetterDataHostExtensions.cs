using System.Security.Cryptography;
using BetterData.Grains.Hosting.Auth;
using BetterData.Grains.Hosting.Outage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Dashboard;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace BetterData.Grains.Hosting;

/// <summary>What the Silo and Api hosts share: cluster role, auth, problem details, health, telemetry, dashboard.</summary>
public static partial class BetterDataHostExtensions
{
    /// <summary>Hosts a silo in this process (the Silo host, and the Api in co-hosted mode).</summary>
    public static ClusterSettings AddBetterDataSilo(this WebApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        var settings = builder.AddBetterDataCommon();
        builder.UseOrleans(silo =>
        {
            silo.AddBetterDataGrains(settings);
            configure?.Invoke(silo);
        });
        return settings;
    }

    /// <summary>Joins the cluster as a client that finds gateways in the membership table.</summary>
    public static ClusterSettings AddBetterDataClient(this WebApplicationBuilder builder)
    {
        var settings = builder.AddBetterDataCommon();
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            if (settings.PostgresConnectionString is { } cs)
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = cs;
                });
            }
            else
            {
                client.UseLocalhostClustering(settings.GatewayPort, settings.ServiceId, settings.ClusterId);
            }
        });
        return settings;
    }

    private static ClusterSettings AddBetterDataCommon(this WebApplicationBuilder builder)
    {
        var settings = ClusterSettings.From(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<SchemaBootstrapService>();
        builder.Services.AddHostedService<StartupBanner>();
        builder.Services.AddHostedService<DrainOnShutdown>();
        builder.Services.Configure<HostOptions>(builder.Configuration.GetSection("HostOptions"));
        builder.Services.TryAddTimeProvider();

        builder.Services.AddProblemDetails().AddOutageHandling();
        // Generated once per process, before options exist, so every consumer sees the same key.
        string? generatedAdminKey = null;
        if (string.IsNullOrWhiteSpace(builder.Configuration["Admin:ApiKey"]) && builder.Environment.IsDevelopment())
        {
            generatedAdminKey = "bd_admin_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            StartupBanner.GeneratedAdminKey = generatedAdminKey;
        }

        builder.Services.AddOptions<AdminKeyOptions>().BindConfiguration("Admin").Configure(o => o.ApiKey ??= generatedAdminKey)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ApiKey), "Admin__ApiKey must be set outside Development.").ValidateOnStart();
        // The API key is checked only where a policy asks for it. As the one registered scheme it would otherwise become
        // the default (ASP.NET Core 7+) and run on every request, webhooks and health probes included.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        builder.Services.AddSingleton<VerifiedApiKeys>();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthNames.Scheme, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AuthNames.AdminPolicy, p => p.AddAuthenticationSchemes(AuthNames.Scheme).RequireRole(AuthNames.AdminRole))
            .AddPolicy(AuthNames.TenantPolicy, p => p.AddAuthenticationSchemes(AuthNames.Scheme).AddRequirements(new TenantAccessRequirement()));

        var health = builder.Services.AddHealthChecks()
            .AddCheck<ShutdownHealthCheck>("shutdown", tags: ["ready"])
            .AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        if (settings.IsDurable)
        {
            health.AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"]);
        }

        var telemetry = builder.Services.AddOpenTelemetry();
        telemetry.WithMetrics(m => m
            .AddMeter(BetterDataMetrics.Name, "Microsoft.Orleans")
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddPrometheusExporter());
        // Traces and metrics also go to an OTLP collector when the standard variable names one. Traces have no
        // other exporter, so without a collector none are recorded (recording them for nobody costs every request).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
            telemetry.WithTracing(t => t
                .AddSource(BetterDataMetrics.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation());
        }

        return settings;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>Problem details for every error, authentication, and authorization, in that order.</summary>
    public static WebApplication UseBetterDataPipeline(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Health (<c>/health/live|ready|startup</c>), Prometheus <c>/metrics</c>, and the dashboard when a silo runs here (unless <c>Orleans:Dashboard</c> is false).</summary>
    public static WebApplication MapBetterDataOperations(this WebApplication app, bool dashboard)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapHealthChecks("/health/startup", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics");
        if (dashboard && app.Services.GetRequiredService<ClusterSettings>().Dashboard)
        {
            var group = app.MapOrleansDashboard("/dashboard");
            if (!app.Environment.IsDevelopment())
            {
                group.RequireAuthorization(AuthNames.AdminPolicy);
            }
        }

        return app;
    }
}

using BetterData.Grains.Hosting;

if (args.Contains("--apply-schema-and-exit"))
{
    // The Kubernetes schema Job: apply deploy/sql and stop.
    var config = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
    using var loggerFactory = LoggerFactory.Create(l => l.AddConsole());
    var settings = ClusterSettings.From(config);
    await PostgresSchema.ApplyAsync(
        settings.PostgresConnectionString ?? throw new InvalidOperationException("ConnectionStrings__Postgres is not set."),
        loggerFactory.CreateLogger("Schema"));
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddBetterDataSilo();

var app = builder.Build();
app.UseBetterDataPipeline();
app.MapBetterDataOperations(dashboard: true);
app.Run();

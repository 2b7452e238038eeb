using BetterData.Api;
using BetterData.Api.Management;
using BetterData.Api.Webhooks;
using BetterData.Grains.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
// Kestrel binds only endpoints from configuration; without this, Kestrel:Limits (the 1 MiB body limit) is ignored.
builder.Services.Configure<KestrelServerOptions>(builder.Configuration.GetSection("Kestrel"));
var cohosted = builder.AddBetterDataOrleans();
builder.Services.AddOpenApi();
builder.AddWebhooks();
builder.AddManagementApi();

var app = builder.Build();
app.UseBetterDataPipeline();
app.MapOpenApi();
app.MapScalarApiReference("/docs");
app.MapBetterDataOperations(dashboard: cohosted);
app.MapWebhooks();
app.MapManagementApi();
app.Run();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;

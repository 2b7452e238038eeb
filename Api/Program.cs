using BetterData.Api;
using BetterData.Api.Management;
using BetterData.Api.Webhooks;
using BetterData.Grains.Hosting;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
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

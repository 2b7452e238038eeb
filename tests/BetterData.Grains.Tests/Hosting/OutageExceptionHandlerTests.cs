using System.Net.Sockets;
using System.Text.Json;
using BetterData.Grains.Hosting.Outage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Runtime;

namespace BetterData.Grains.Tests.Hosting;

public sealed class OutageExceptionHandlerTests
{
    private const string Secret = "hunter2";

    [Fact]
    public async Task TryHandle_StorageDown_Answers503WithRetryAfterAndProblemDetails_WithoutTheExceptionText()
    {
        var logs = new List<string>();
        var http = NewContext(logs);
        var exception = new OrleansException($"Host=db;Password={Secret}",
            new NpgsqlException($"Failed to connect; Password={Secret}", new SocketException((int)SocketError.ConnectionRefused)));

        Assert.True(await Handler(http).TryHandleAsync(http, exception, CancellationToken.None));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("5", http.Response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", http.Response.ContentType, StringComparison.Ordinal);
        var body = Body(http);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(503, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Storage unavailable", json.RootElement.GetProperty("title").GetString());
        Assert.Equal("storage_unavailable", json.RootElement.GetProperty("reason").GetString());
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", body, StringComparison.Ordinal);
        var log = Assert.Single(logs);
        Assert.Contains("storage_unavailable", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryHandle_SiloUnavailable_Answers503ClusterUnavailable()
    {
        var http = NewContext([]);

        Assert.True(await Handler(http).TryHandleAsync(http, new SiloUnavailableException("gone"), CancellationToken.None));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("cluster_unavailable", JsonDocument.Parse(Body(http)).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task TryHandle_AnyOtherException_LeavesItToThe500()
    {
        var logs = new List<string>();
        var http = NewContext(logs);

        Assert.False(await Handler(http).TryHandleAsync(http, new InvalidOperationException("boom"), CancellationToken.None));

        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        Assert.False(http.Response.Headers.ContainsKey("Retry-After"));
        Assert.Empty(logs);
    }

    private static OutageExceptionHandler Handler(HttpContext http) =>
        ActivatorUtilities.CreateInstance<OutageExceptionHandler>(http.RequestServices);

    private static DefaultHttpContext NewContext(List<string> logs)
    {
        var services = new ServiceCollection()
            .AddLogging(l => l.AddProvider(new ListLoggerProvider(logs)))
            .AddProblemDetails()
            .BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = "POST";
        http.Request.Path = "/webhooks/shopify";
        http.Response.Body = new MemoryStream();
        return http;
    }

    private static string Body(HttpContext http)
    {
        http.Response.Body.Position = 0;
        return new StreamReader(http.Response.Body).ReadToEnd();
    }

    private sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Add($"{logLevel}: {formatter(state, exception)} {exception}");
            }
        }

        public void Dispose()
        {
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace BetterData.Api.Tests.Infrastructure;

/// <summary>
/// A real Api or Silo process (<c>dotnet &lt;dll&gt;</c>) on loopback ports, for tests that kill processes with
/// SIGKILL or SIGTERM. The dll is the one the solution build produced for the same configuration as the tests.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private HostProcess(Process process, string name, int httpPort, int siloPort, int gatewayPort)
    {
        this.process = process;
        Name = name;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public string Name { get; }
    public int HttpPort { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");
    public bool HasExited => process.HasExited;
    public string Output => string.Join('\n', output);

    /// <summary>
    /// Starts a host. <paramref name="samePortsAs"/> restarts "the same node": a silo that comes back on its old
    /// address supersedes its dead predecessor at once instead of waiting for membership to vote it out.
    /// </summary>
    public static HostProcess Start(string project, string name, IDictionary<string, string?> environment, HostProcess? samePortsAs = null)
    {
        var httpPort = samePortsAs?.HttpPort ?? FreePort.Next();
        var siloPort = samePortsAs?.SiloPort ?? FreePort.Next();
        var gatewayPort = samePortsAs?.GatewayPort ?? FreePort.Next();
        var info = new ProcessStartInfo("dotnet", [AssemblyPath(project), "--urls", $"http://127.0.0.1:{httpPort}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        info.Environment["Orleans__SiloPort"] = siloPort.ToString();
        info.Environment["Orleans__GatewayPort"] = gatewayPort.ToString();
        info.Environment["Orleans__SiloName"] = name;
        info.Environment["Logging__Console__FormatterName"] = "simple";
        // Every process of a test cluster encrypts stored secrets under the same key (required with PostgreSQL).
        info.Environment["Secrets__Keys__test"] = BetterDataApp.SecretsKey;
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new HostProcess(process, name, httpPort, siloPort, gatewayPort);
        process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200; fails with the process output otherwise.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{Name} not ready after {timeout}:\n{Output}");
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        }

        return client;
    }

    /// <summary>SIGKILL: no shutdown code runs, as when a node dies.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>SIGTERM, then wait for a graceful exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 400)
        {
            output.TryDequeue(out _);
        }
    }

    private static string AssemblyPath(string project)
    {
        var testDir = AppContext.BaseDirectory;
        var configuration = testDir.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dir = new DirectoryInfo(testDir);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BetterData.Grains.sln")))
        {
            dir = dir.Parent;
        }

        var path = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Solution root not found."),
            project, "bin", configuration, "net10.0", $"BetterData.{project}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first: {path} is missing.");
    }
}

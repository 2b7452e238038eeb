#nullable enable

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace BetterData.Api.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for tests.
/// <para>
/// If the environment variable <c>ConnectionStrings__Postgres</c> is set, that server is used: a fresh,
/// uniquely named database is created on it and dropped on dispose (<see cref="StopAsync"/> and
/// <see cref="RestartAsync"/> are not supported then).
/// </para>
/// <para>
/// Otherwise a private server is started from the local PostgreSQL binaries
/// (<c>/usr/lib/postgresql/*/bin</c>, highest version, or <c>PATH</c>) in a temporary data directory,
/// listening on a free TCP port on 127.0.0.1 only. When running as root, the data directory is owned by,
/// and the server runs as, the <c>postgres</c> system user (via <c>runuser</c>). fsync stays on, so tests
/// that kill or stop the server exercise real durability.
/// </para>
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Environment variable naming an existing server to use instead of starting one.</summary>
    public const string ExternalServerVariable = "ConnectionStrings__Postgres";

    private const string DefaultDatabase = "betterdata";
    private const string SystemUser = "postgres";
    private const string DirectoryPrefix = "betterdata-pg-";
    private const int StderrLinesKept = 200;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private static readonly Regex DatabaseNamePattern = new("^[A-Za-z_][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly List<string> _createdDatabases = [];
    private readonly string _uniqueSuffix = Guid.NewGuid().ToString("N")[..12];

    // Local mode only (null when using an external server).
    private readonly Binaries? _binaries;
    private readonly string? _rootDirectory;
    private readonly string? _dataDirectory;
    private readonly bool _runAsSystemUser;

    private Process? _process;
    private EventHandler? _processExitHandler;
    private bool _disposed;

    private PostgresServer(string adminConnectionString, int port)
    {
        AdminConnectionString = adminConnectionString;
        ConnectionString = adminConnectionString;
        Port = port;
    }

    private PostgresServer(Binaries binaries, string rootDirectory, bool runAsSystemUser, int port)
        : this(BuildConnectionString(port, "postgres"), port)
    {
        _binaries = binaries;
        _rootDirectory = rootDirectory;
        _dataDirectory = Path.Combine(rootDirectory, "data");
        _runAsSystemUser = runAsSystemUser;
    }

    /// <summary>Connection string for the <c>betterdata</c> database (or the fresh database on an external server).</summary>
    public string ConnectionString { get; private set; }

    /// <summary>Connection string for the maintenance database, as a superuser.</summary>
    public string AdminConnectionString { get; }

    /// <summary>The server's TCP port on 127.0.0.1 (or the external server's port).</summary>
    public int Port { get; }

    /// <summary>True when this instance uses the server named by <c>ConnectionStrings__Postgres</c>.</summary>
    public bool IsExternal => _binaries is null;

    /// <summary>The data directory of a local server; null for an external server.</summary>
    public string? DataDirectory => _dataDirectory;

    /// <summary>Starts a throwaway server (or attaches to <c>ConnectionStrings__Postgres</c>) and creates the database.</summary>
    /// <exception cref="InvalidOperationException">No PostgreSQL binaries were found, or the server failed to start.</exception>
    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        var external = Environment.GetEnvironmentVariable(ExternalServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return await StartExternalAsync(external, ct).ConfigureAwait(false);
        }

        var binaries = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found under /usr/lib/postgresql/*/bin or on PATH. " +
            "Install them with `apt-get install -y postgresql`, or set the environment variable " +
            $"{ExternalServerVariable} to the connection string of an existing server (a superuser or a user allowed to CREATE DATABASE).");

        CleanUpAbandonedServers();

        var runAsSystemUser = IsRoot();
        var root = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        PostgresServer? server = null;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
            var dataDirectory = Path.Combine(root, "data");
            Directory.CreateDirectory(dataDirectory);
            if (runAsSystemUser)
            {
                // The whole tree, so that a restrictive umask on the root directory cannot lock postgres out.
                await RunToolAsync("chown", ["-R", $"{SystemUser}:", root], root, ct).ConfigureAwait(false);
            }

            var created = new PostgresServer(binaries, root, runAsSystemUser, FreePort.Next());
            server = created;
            created._processExitHandler = (_, _) => created.EmergencyShutdown();
            AppDomain.CurrentDomain.ProcessExit += created._processExitHandler;

            await server.InitDbAsync(ct).ConfigureAwait(false);
            await server.StartProcessAsync(ct).ConfigureAwait(false);
            await server.ExecuteAdminAsync($"CREATE DATABASE \"{DefaultDatabase}\"", ct).ConfigureAwait(false);
            server.ConnectionString = BuildConnectionString(server.Port, DefaultDatabase);
            return server;
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                TryDeleteDirectory(root);
            }

            throw;
        }
    }

    /// <summary>
    /// Creates a new database and returns a connection string for it. On a local server the database gets
    /// exactly <paramref name="name"/>; on an external server a unique suffix is appended (so parallel runs
    /// do not collide) and the database is dropped on dispose.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var actualName = IsExternal ? $"{name}_{_uniqueSuffix}" : name;
        if (!DatabaseNamePattern.IsMatch(actualName))
        {
            throw new ArgumentException($"'{actualName}' is not a valid database name (letters, digits, underscores; at most 63 characters).", nameof(name));
        }

        await ExecuteAdminAsync($"CREATE DATABASE \"{actualName}\"", CancellationToken.None).ConfigureAwait(false);
        if (IsExternal)
        {
            lock (_createdDatabases)
            {
                _createdDatabases.Add(actualName);
            }
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = actualName }.ConnectionString;
    }

    /// <summary>Stops the server with a fast shutdown and waits for it to exit (killed after 10 s). Data is kept.</summary>
    public async Task StopAsync()
    {
        ThrowIfExternal();
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopProcessAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts the server again on the same port and data directory (stopping it first if it is running).</summary>
    public async Task RestartAsync()
    {
        ThrowIfExternal();
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopProcessAsync().ConfigureAwait(false);
            await StartProcessAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the server and deletes its data directory, or drops the databases created on an external server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (IsExternal)
            {
                await DropCreatedDatabasesAsync().ConfigureAwait(false);
                return;
            }

            try
            {
                await StopProcessAsync().ConfigureAwait(false);
            }
            finally
            {
                if (_processExitHandler is not null)
                {
                    AppDomain.CurrentDomain.ProcessExit -= _processExitHandler;
                }

                NpgsqlConnection.ClearAllPools();
                TryDeleteDirectory(_rootDirectory!);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The last lines the server wrote to stderr (its log), for diagnostics.</summary>
    public string GetServerLog() => string.Join(Environment.NewLine, _stderr);

    private static async Task<PostgresServer> StartExternalAsync(string connectionString, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var server = new PostgresServer(builder.ConnectionString, builder.Port);
        try
        {
            server.ConnectionString = await server.CreateDatabaseAsync(DefaultDatabase).WaitAsync(ct).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task DropCreatedDatabasesAsync()
    {
        string[] names;
        lock (_createdDatabases)
        {
            names = [.. _createdDatabases];
            _createdDatabases.Clear();
        }

        foreach (var name in names)
        {
            NpgsqlConnection.ClearPool(new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString));
            await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task ExecuteAdminAsync(string sql, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private async Task InitDbAsync(CancellationToken ct)
    {
        await RunAsPostgresAsync(
            _binaries!.InitDb,
            ["-D", _dataDirectory!, "-A", "trust", "-U", SystemUser, "--no-sync", "-E", "UTF8", "--locale=C"],
            TimeSpan.FromMinutes(2),
            ct).ConfigureAwait(false);
    }

    private async Task StartProcessAsync(CancellationToken ct)
    {
        string[] serverArgs =
        [
            "-D", _dataDirectory!,
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-k", _dataDirectory!,
            "-c", "listen_addresses=127.0.0.1",
            "-c", "max_connections=200",
            // Fast, but durable: fsync, full_page_writes and synchronous_commit keep their defaults.
            "-c", "wal_level=minimal",
            // Checkpoints by time, not by WAL volume, as README's Operations recommends for delivery load: with the
            // default 1 GB, sustained delivery checkpoints about once a minute and then writes every page it touches
            // whole into the WAL again (measured: about 10 % fewer deliveries/s).
            "-c", "max_wal_size=4GB",
            "-c", "checkpoint_timeout=15min",
            "-c", "max_wal_senders=0",
            "-c", "jit=off",
            "-c", "shared_buffers=128MB",
            "-c", "logging_collector=off",
            "-c", "log_min_messages=warning",
        ];

        var startInfo = CreateStartInfo(_binaries!.Postgres, serverArgs, _rootDirectory!);
        _stderr.Clear();
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.ErrorDataReceived += (_, e) => AppendLog(e.Data);
        process.OutputDataReceived += (_, e) => AppendLog(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {_binaries.Postgres}.");
        }

        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;

        try
        {
            await WaitUntilReadyAsync(process, ct).ConfigureAwait(false);
        }
        catch
        {
            await StopProcessAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task WaitUntilReadyAsync(Process process, CancellationToken ct)
    {
        var probe = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false, Timeout = 2 }.ConnectionString;
        var stopwatch = Stopwatch.StartNew();
        Exception? last = null;
        while (stopwatch.Elapsed < ReadyTimeout)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await WaitForLogDrainAsync(process).ConfigureAwait(false);
                throw new InvalidOperationException(
                    $"PostgreSQL exited with code {process.ExitCode} while starting on port {Port}. Server output:{Environment.NewLine}{GetServerLog()}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync(ct).ConfigureAwait(false);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException or IOException)
            {
                last = ex;
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }

        throw new InvalidOperationException(
            $"PostgreSQL did not accept connections on port {Port} within {ReadyTimeout.TotalSeconds:0} s (last error: {last?.Message}). " +
            $"Server output:{Environment.NewLine}{GetServerLog()}",
            last);
    }

    private async Task StopProcessAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                try
                {
                    await RunAsPostgresAsync(
                        _binaries!.PgCtl,
                        ["stop", "-D", _dataDirectory!, "-m", "fast", "-w", "-t", ((int)StopTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)],
                        StopTimeout + TimeSpan.FromSeconds(5),
                        CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
                {
                    AppendLog($"[PostgresServer] pg_ctl stop failed: {ex.Message}");
                }

                using var wait = new CancellationTokenSource(StopTimeout);
                try
                {
                    await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    KillServer(process);
                    await process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Kills the postmaster (its PID comes from postmaster.pid, since under root our child is runuser) and our child.</summary>
    private void KillServer(Process? process)
    {
        var postmasterPid = ReadPostmasterPid(_dataDirectory!);
        if (postmasterPid is { } pid)
        {
            TryKill(pid, requireName: "postgres");
        }

        try
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    /// <summary>ProcessExit: a test run that ends without disposing must not leave a server behind.</summary>
    private void EmergencyShutdown()
    {
        try
        {
            var process = _process;
            if (process is { HasExited: false })
            {
                try
                {
                    using var stop = Process.Start(CreateStartInfo(
                        _binaries!.PgCtl,
                        ["stop", "-D", _dataDirectory!, "-m", "immediate", "-w", "-t", "5"],
                        _rootDirectory!));
                    if (stop is not null && !stop.WaitForExit(7000))
                    {
                        stop.Kill();
                    }
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Fall through to kill.
                }

                if (!process.WaitForExit(3000))
                {
                    KillServer(process);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            // Best effort while the process is exiting.
        }
        finally
        {
            TryDeleteDirectory(_rootDirectory!);
        }
    }

    private void ThrowIfExternal()
    {
        if (IsExternal)
        {
            throw new NotSupportedException($"Stopping or restarting is only supported for a local server, not for the one named by {ExternalServerVariable}.");
        }
    }

    private void AppendLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        _stderr.Enqueue(line);
        while (_stderr.Count > StderrLinesKept && _stderr.TryDequeue(out _))
        {
        }
    }

    private static async Task WaitForLogDrainAsync(Process process)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Task RunAsPostgresAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken ct)
        => RunAsync(CreateStartInfo(fileName, arguments, _rootDirectory!), timeout, ct);

    private ProcessStartInfo CreateStartInfo(string fileName, IReadOnlyList<string> arguments, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = false,
            WorkingDirectory = workingDirectory,
        };

        if (_runAsSystemUser)
        {
            startInfo.FileName = FindRunUser();
            startInfo.ArgumentList.Add("-u");
            startInfo.ArgumentList.Add(SystemUser);
            startInfo.ArgumentList.Add("--");
            startInfo.ArgumentList.Add(fileName);
        }
        else
        {
            startInfo.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["LC_ALL"] = "C";
        startInfo.Environment.Remove("PGDATA");
        startInfo.Environment.Remove("PGPORT");
        startInfo.Environment.Remove("PGHOST");
        return startInfo;
    }

    private static Task RunToolAsync(string fileName, IReadOnlyList<string> arguments, string workingDirectory, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo
        {
            FileName = fileName,
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return RunAsync(startInfo, TimeSpan.FromMinutes(1), ct);
    }

    private static async Task RunAsync(ProcessStartInfo startInfo, TimeSpan timeout, CancellationToken ct)
    {
        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        var commandLine = $"{startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)}";
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start `{commandLine}`.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            if (ct.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"`{commandLine}` did not finish within {timeout.TotalSeconds:0} s. Output:{Environment.NewLine}{output}");
        }

        process.WaitForExit(); // flush the asynchronous output readers
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{commandLine}` failed with exit code {process.ExitCode}. Output:{Environment.NewLine}{output}");
        }
    }

    private static string BuildConnectionString(int port, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = SystemUser,
        Database = database,
        IncludeErrorDetail = true,
    }.ConnectionString;

    private static bool IsRoot()
    {
        if (string.Equals(Environment.UserName, "root", StringComparison.Ordinal))
        {
            return true;
        }

        try
        {
            // "Uid:\treal\teffective\tsaved\tfs"
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    var fields = line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 2 && fields[2] == "0";
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return false;
    }

    private static string FindRunUser()
    {
        foreach (var candidate in new[] { "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return FindOnPath("runuser") ?? throw new InvalidOperationException(
            $"Running as root, but `runuser` (util-linux) was not found; it is needed to run PostgreSQL as the `{SystemUser}` user.");
    }

    private static Binaries? FindBinaries()
    {
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var best = Directory.EnumerateDirectories(debianRoot)
                .Select(dir => (Dir: dir, Version: Version.TryParse(AsVersion(Path.GetFileName(dir)), out var v) ? v : null))
                .Where(x => x.Version is not null)
                .OrderByDescending(x => x.Version)
                .Select(x => Binaries.In(Path.Combine(x.Dir, "bin")))
                .FirstOrDefault(b => b is not null);
            if (best is not null)
            {
                return best;
            }
        }

        var initDb = FindOnPath("initdb");
        var pgCtl = FindOnPath("pg_ctl");
        var postgres = FindOnPath("postgres");
        return initDb is not null && pgCtl is not null && postgres is not null ? new Binaries(initDb, pgCtl, postgres) : null;

        static string AsVersion(string name) => name.Contains('.', StringComparison.Ordinal) ? name : name + ".0";
    }

    private static string? FindOnPath(string fileName)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static int? ReadPostmasterPid(string dataDirectory)
    {
        try
        {
            var file = Path.Combine(dataDirectory, "postmaster.pid");
            if (!File.Exists(file))
            {
                return null;
            }

            var first = File.ReadLines(file).FirstOrDefault();
            return int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int? GetParentPid(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces or parentheses.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent) ? parent : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void TryKill(int pid, string requireName)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.ProcessName.Contains(requireName, StringComparison.Ordinal))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Not running (or not ours to kill).
        }
    }

    /// <summary>Removes servers left behind by test runs that were killed outright (no ProcessExit).</summary>
    private static void CleanUpAbandonedServers()
    {
        string[] candidates;
        try
        {
            candidates = Directory.GetDirectories(Path.GetTempPath(), DirectoryPrefix + "*");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var dir in candidates)
        {
            try
            {
                var ownerFile = Path.Combine(dir, "owner.pid");
                if (!File.Exists(ownerFile)
                    || !int.TryParse(File.ReadAllText(ownerFile).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var owner)
                    || IsRunning(owner))
                {
                    continue;
                }

                if (ReadPostmasterPid(Path.Combine(dir, "data")) is { } pid)
                {
                    // Under root the postmaster's parent is the runuser wrapper, which outlives a killed test host.
                    if (GetParentPid(pid) is { } parent)
                    {
                        TryKill(parent, requireName: "runuser");
                    }

                    TryKill(pid, requireName: "postgres");
                }

                TryDeleteDirectory(dir);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Someone else's directory, or in use: leave it.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }

                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(200);
            }
        }
    }

    private sealed record Binaries(string InitDb, string PgCtl, string Postgres)
    {
        public static Binaries? In(string bin)
        {
            var initDb = Path.Combine(bin, "initdb");
            var pgCtl = Path.Combine(bin, "pg_ctl");
            var postgres = Path.Combine(bin, "postgres");
            return File.Exists(initDb) && File.Exists(pgCtl) && File.Exists(postgres) ? new Binaries(initDb, pgCtl, postgres) : null;
        }
    }
}

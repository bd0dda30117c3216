using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Corda.HighAvailability.Testing;

/// <summary>
/// A real PostgreSQL server for the test run: initdb + pg_ctl in a fresh temporary directory (prefix
/// <c>corda-ha-pg-</c>, so CI can clean up leftovers of a killed run) on a free loopback port, stopped and deleted on
/// dispose. As root it runs as the <c>postgres</c> user, because PostgreSQL refuses to run as root. When
/// <c>CORDA_HA_TEST_POSTGRES</c> holds a connection string, that server is used instead and nothing is started.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string ExternalServerVariable = "CORDA_HA_TEST_POSTGRES";
    public const string BinariesVariable = "CORDA_HA_PG_BIN";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Lazy<Task<string>>> _classDatabases = new();
    private LocalPostgresCluster? _cluster;

    /// <summary>Connection string of the server's <c>postgres</c> database, as a superuser.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(ExternalServerVariable) is { Length: > 0 } external)
        {
            ConnectionString = external;
            return;
        }

        var binaries = LocalPostgresCluster.FindBinaries() ?? throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package 'postgresql' or set {BinariesVariable} " +
            $"(or point {ExternalServerVariable} at an existing server).");
        _cluster = await LocalPostgresCluster.InitAsync(binaries);
        try
        {
            await _cluster.StartAsync();
            ConnectionString = _cluster.ConnectionString;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>The database of one test class (created on first use), so that test classes never see each other's rows or notifications.</summary>
    public Task<string> GetClassDatabaseAsync(Type testClass) =>
        _classDatabases.GetOrAdd(testClass, type => new Lazy<Task<string>>(() => CreateDatabaseAsync(type.Name))).Value;

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string purpose)
    {
        var safe = new string(purpose.ToLowerInvariant().Where(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9')).Take(20).ToArray());
        var name = $"t_{safe}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();

            // Identifiers cannot be parameters; the name is built above from [a-z0-9_] only.
            command.CommandText = $"CREATE DATABASE {name}";
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var cluster = _cluster;
        _cluster = null;
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }
}

/// <summary>
/// One PostgreSQL cluster of our own: initdb in a fresh temporary directory (prefix <c>corda-ha-pg-</c>, so CI can
/// clean up leftovers of a killed run, see eng/test.sh) configured for a free loopback port, then pg_ctl start; on
/// dispose an immediate stop and the directory deleted. As root every PostgreSQL program runs as the <c>postgres</c>
/// user, because PostgreSQL refuses to run as root. Shared by <see cref="PostgresServer"/> (the run's server) and
/// <see cref="SteppedClockPostgres"/> (a server whose clock a test steps), which differ only in the server's environment;
/// the two steps are separate so that a caller can put files into <see cref="DirectoryPath"/> before the server starts.
/// </summary>
internal sealed class LocalPostgresCluster : IAsyncDisposable
{
    public const string DirectoryPrefix = "corda-ha-pg-";
    private const string ServiceUser = "postgres";

    private readonly string _binaries;
    private readonly bool _asServiceUser;
    private int _port;
    private bool _started;
    private bool _disposed;

    private LocalPostgresCluster(string binaries, bool asServiceUser, string directory)
    {
        _binaries = binaries;
        _asServiceUser = asServiceUser;
        DirectoryPath = directory;
    }

    /// <summary>The cluster's own temporary directory (data directory, server log, socket), owned by the server's user.</summary>
    public string DirectoryPath { get; }

    /// <summary>Connection string of the <c>postgres</c> database as a superuser; empty until <see cref="StartAsync"/> succeeded.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>
    /// The folder holding initdb and pg_ctl: <c>CORDA_HA_PG_BIN</c> when set (an error if it lacks them), otherwise the
    /// newest /usr/lib/postgresql/N/bin; null when there is none, so that each caller can say what it needed them for.
    /// </summary>
    public static string? FindBinaries()
    {
        if (Environment.GetEnvironmentVariable(PostgresServer.BinariesVariable) is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "initdb")) && File.Exists(Path.Combine(configured, "pg_ctl"))
                ? configured
                : throw new InvalidOperationException($"{PostgresServer.BinariesVariable}='{configured}' does not contain initdb and pg_ctl.");
        }

        const string root = "/usr/lib/postgresql";
        return Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : -1))
                .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")) && File.Exists(Path.Combine(x.Dir, "pg_ctl")))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault()
            : null;
    }

    /// <summary>Creates the directory and runs initdb; the directory is deleted again if that fails.</summary>
    public static async Task<LocalPostgresCluster> InitAsync(string binaries)
    {
        var cluster = new LocalPostgresCluster(
            binaries,
            asServiceUser: string.Equals(Environment.UserName, "root", StringComparison.Ordinal),
            directory: Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N")[..12]));
        try
        {
            await cluster.InitDataDirectoryAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// pg_ctl start, waiting until the server accepts connections. <paramref name="environment"/> is applied to the
    /// server and its backends only (through <c>env</c>, after the switch to the service user, so that neither runuser
    /// nor the test process is affected); a null value removes that variable.
    /// </summary>
    public async Task StartAsync(IReadOnlyDictionary<string, string?>? environment = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var data = Path.Combine(DirectoryPath, "data");
        string[] start = ["-D", data, "-l", Path.Combine(DirectoryPath, "server.log"), "-w", "-t", "60", "start"];
        var pgCtl = Path.Combine(_binaries, "pg_ctl");
        if (environment is null || environment.Count == 0)
        {
            await RunAsync(pgCtl, start, _asServiceUser);
        }
        else
        {
            // env applies -u before the assignments; the order within each group does not matter.
            var arguments = environment.Where(e => e.Value is null).SelectMany(e => new[] { "-u", e.Key })
                .Concat(environment.Where(e => e.Value is not null).Select(e => $"{e.Key}={e.Value}"))
                .Append(pgCtl)
                .Concat(start)
                .ToArray();
            await RunAsync("env", arguments, _asServiceUser);
        }

        _started = true;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = _port,
            Username = "postgres",
            Database = "postgres",
        }.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_started)
            {
                await RunAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", Path.Combine(DirectoryPath, "data"), "-m", "immediate", "-w", "stop"], _asServiceUser);
            }
        }
        finally
        {
            _started = false;
            try
            {
                Directory.Delete(DirectoryPath, recursive: true);
            }
            catch (IOException)
            {
                // Left for the CI clean-up of corda-ha-pg-* directories (a directory never created ends up here too).
            }
            catch (UnauthorizedAccessException)
            {
                // Same.
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task InitDataDirectoryAsync()
    {
        Directory.CreateDirectory(DirectoryPath);

        // Who owns this server: eng/test.sh removes only servers whose owner is gone, never another live run's.
        await File.WriteAllTextAsync(Path.Combine(DirectoryPath, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (_asServiceUser)
        {
            await RunAsync("chown", ["-R", ServiceUser + ":", DirectoryPath], asServiceUser: false);
        }

        var data = Path.Combine(DirectoryPath, "data");
        await RunAsync(Path.Combine(_binaries, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], _asServiceUser);
        _port = FreeLoopbackPort();
        var settings = $"""

            listen_addresses = '127.0.0.1'
            port = {_port}
            unix_socket_directories = '{DirectoryPath}'
            max_connections = 300
            fsync = off
            synchronous_commit = off
            full_page_writes = off

            """;
        var conf = Path.Combine(data, "postgresql.conf");
        // Appending keeps the file's owner (postgres when running as root).
        await File.AppendAllTextAsync(conf, settings);
    }

    private async Task RunAsync(string program, string[] arguments, bool asServiceUser)
    {
        var start = new ProcessStartInfo
        {
            FileName = asServiceUser ? "runuser" : program,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,

            // initdb changes into its working directory; the service user must be able to.
            WorkingDirectory = DirectoryPath,
        };
        if (asServiceUser)
        {
            foreach (var part in new[] { "-u", ServiceUser, "--", program })
            {
                start.ArgumentList.Add(part);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}

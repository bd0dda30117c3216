using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Corda.HighAvailability.IntegrationTests.Infrastructure;

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
    private const string ServiceUser = "postgres";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Lazy<Task<string>>> _classDatabases = new();
    private string? _directory;
    private string? _binaries;
    private bool _asServiceUser;
    private bool _started;

    /// <summary>Connection string of the server's <c>postgres</c> database, as a superuser.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(ExternalServerVariable) is { Length: > 0 } external)
        {
            ConnectionString = external;
            return;
        }

        _binaries = FindBinaries();
        _asServiceUser = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        _directory = Path.Combine(Path.GetTempPath(), "corda-ha-pg-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            Directory.CreateDirectory(_directory);
            if (_asServiceUser)
            {
                await RunAsync("chown", ["-R", ServiceUser + ":", _directory], asServiceUser: false);
            }

            var data = Path.Combine(_directory, "data");
            await RunAsync(Path.Combine(_binaries, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], _asServiceUser);
            var port = FreeLoopbackPort();
            var settings = $"""

                listen_addresses = '127.0.0.1'
                port = {port}
                unix_socket_directories = '{_directory}'
                max_connections = 300
                fsync = off
                synchronous_commit = off
                full_page_writes = off

                """;
            var conf = Path.Combine(data, "postgresql.conf");
            // Appending keeps the file's owner (postgres when running as root).
            await File.AppendAllTextAsync(conf, settings);

            await RunAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "start"], _asServiceUser);
            _started = true;
            ConnectionString = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = "postgres",
                Database = "postgres",
            }.ToString();
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
        if (_directory is null)
        {
            return;
        }

        try
        {
            if (_started && _binaries is not null)
            {
                await RunAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], _asServiceUser);
            }
        }
        finally
        {
            _started = false;
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the CI clean-up of corda-ha-pg-* directories.
            }
            catch (UnauthorizedAccessException)
            {
                // Same.
            }

            _directory = null;
        }
    }

    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable(BinariesVariable) is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "initdb")) && File.Exists(Path.Combine(configured, "pg_ctl"))
                ? configured
                : throw new InvalidOperationException($"{BinariesVariable}='{configured}' does not contain initdb and pg_ctl.");
        }

        const string root = "/usr/lib/postgresql";
        var newest = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : -1))
                .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")) && File.Exists(Path.Combine(x.Dir, "pg_ctl")))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package 'postgresql' or set {BinariesVariable} " +
            $"(or point {ExternalServerVariable} at an existing server).");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
            WorkingDirectory = _directory ?? Path.GetTempPath(),
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

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Corda.HighAvailability.Benchmarks;

/// <summary>
/// A PostgreSQL server of its own for one benchmark process: <c>initdb</c> in a temporary directory, started with
/// <c>pg_ctl</c> on a free loopback port, stopped and deleted on dispose. Server settings are the defaults
/// (<c>fsync=on</c>, <c>synchronous_commit=on</c>), i.e. a durable commit as in production. As root, the tools run as
/// the <c>postgres</c> user (PostgreSQL refuses root). <c>CORDA_HA_PG_BIN</c> overrides the folder of the tools.
/// </summary>
internal sealed class ThrowawayPostgres : IDisposable
{
    private readonly string _bin;
    private readonly string _directory;
    private readonly bool _asPostgresUser;
    private bool _started;

    private ThrowawayPostgres(string bin, string directory, bool asPostgresUser, int port)
    {
        _bin = bin;
        _directory = directory;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true";

    private string DataDirectory => Path.Combine(_directory, "data");

    public static ThrowawayPostgres Start()
    {
        var bin = FindBin();
        var asPostgresUser = Environment.UserName == "root";
        var directory = Directory.CreateTempSubdirectory("corda-ha-bench-pg-").FullName;
        var server = new ThrowawayPostgres(bin, directory, asPostgresUser, FreePort());
        try
        {
            if (asPostgresUser)
            {
                Run("chown", ["postgres:", directory]);
            }

            server.RunTool("initdb", ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
            File.AppendAllText(
                Path.Combine(server.DataDirectory, "postgresql.conf"),
                $"\nlisten_addresses = '127.0.0.1'\nport = {server.Port}\nunix_socket_directories = '{directory}'\n");
            server._started = true;
            server.RunTool("pg_ctl", ["-D", server.DataDirectory, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "start"]);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            if (_started)
            {
                RunTool("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]);
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private void RunTool(string tool, string[] arguments)
    {
        var path = Path.Combine(_bin, tool);
        if (_asPostgresUser)
        {
            Run("runuser", ["-u", "postgres", "--", path, .. arguments]);
        }
        else
        {
            Run(path, arguments);
        }
    }

    private static void Run(string fileName, string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}{output.Result}");
        }
    }

    private static string FindBin()
    {
        var configured = Environment.GetEnvironmentVariable("CORDA_HA_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order(StringComparer.Ordinal).ToList()
            : [];
        return candidates.Count > 0
            ? candidates[^1]
            : throw new InvalidOperationException("PostgreSQL binaries not found: install postgresql, set CORDA_HA_PG_BIN to the folder of initdb/pg_ctl, or set CORDA_HA_BENCH_POSTGRES to a connection string.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Globalization;
using Npgsql;

namespace Corda.HighAvailability.Testing;

/// <summary>
/// A PostgreSQL server of its own whose wall clock (<c>now()</c>, <c>clock_timestamp()</c>) a test can step forward while
/// it runs, for proving that a database clock step cannot make two lease holders at once: the lease stores take "now"
/// from the database, so the database's clock is the one that has to jump. It is not the run's shared
/// <see cref="PostgresServer"/>, because stepping that clock would disturb every other test class.
/// </summary>
/// <remarks>
/// The server runs under Debian's libfaketime (<c>LD_PRELOAD</c>), which reads the offset from
/// <c>FAKETIME_TIMESTAMP_FILE</c> on every wall-clock call (<c>FAKETIME_NO_CACHE=1</c>): a step is the file replaced, and
/// takes effect at the next clock read of every backend, already open or not, with no restart and no signal. Monotonic
/// clocks are left alone (<c>FAKETIME_DONT_FAKE_MONOTONIC=1</c>) so that PostgreSQL's own timeouts and latches keep real
/// durations; only wall-clock time jumps, as with an NTP step on the database host. It always needs local server
/// binaries (<c>CORDA_HA_PG_BIN</c> or the Debian package <c>postgresql</c>), even when <c>CORDA_HA_TEST_POSTGRES</c>
/// points the other tests at an external server, since an external server's clock cannot be stepped from here.
/// </remarks>
public sealed class SteppedClockPostgres : IAsyncDisposable
{
    /// <summary>The Debian package that provides libfaketime.so.1 (eng/test.sh installs it when run as root).</summary>
    public const string FakeTimePackage = "faketime";

    private const string OffsetFileName = "faketime.rc";

    /// <summary>Where Debian (any architecture) and a from-source install put the library.</summary>
    private static readonly string[] LibraryFolders = ["/usr/lib/faketime", "/usr/local/lib/faketime"];

    private readonly LocalPostgresCluster _cluster;
    private readonly string _offsetFile;
    private readonly SemaphoreSlim _stepping = new(1, 1);
    private long _offsetTicks;
    private bool _disposed;

    private SteppedClockPostgres(LocalPostgresCluster cluster, string offsetFile)
    {
        _cluster = cluster;
        _offsetFile = offsetFile;
    }

    /// <summary>Connection string of the server's <c>postgres</c> database, as a superuser.</summary>
    public string ConnectionString => _cluster.ConnectionString;

    /// <summary>How far the server's wall clock is ahead of the real one: the sum of every step so far.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Starts a fresh server with its clock at the real time (offset zero).</summary>
    /// <exception cref="InvalidOperationException">libfaketime or the PostgreSQL server binaries are not installed.</exception>
    public static async Task<SteppedClockPostgres> StartAsync()
    {
        var library = FindLibFakeTime() ?? throw new InvalidOperationException(
            $"libfaketime (libfaketime.so.1) not found: install the Debian package '{FakeTimePackage}' (as root: apt-get install {FakeTimePackage}). " +
            "The clock-step tests run PostgreSQL under it to step the database's wall clock.");
        var binaries = LocalPostgresCluster.FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: the clock-step tests start their own server under libfaketime " +
            $"even when {PostgresServer.ExternalServerVariable} is set; install the Debian package 'postgresql' or set {PostgresServer.BinariesVariable}.");

        var cluster = await LocalPostgresCluster.InitAsync(binaries);
        try
        {
            // In the cluster's directory, so that the corda-ha-pg-* clean-up removes it with the server; the directory
            // belongs to the server's user, and the file is made world-readable, so the server can read it when we are root.
            var offsetFile = Path.Combine(cluster.DirectoryPath, OffsetFileName);
            await WriteOffsetAsync(offsetFile, TimeSpan.Zero);
            await cluster.StartAsync(new Dictionary<string, string?>
            {
                ["LD_PRELOAD"] = library,
                ["FAKETIME_TIMESTAMP_FILE"] = offsetFile,
                ["FAKETIME_NO_CACHE"] = "1",
                ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1",

                // Otherwise file times are shifted too, and every stat() takes a semaphore shared by all backends.
                ["NO_FAKE_STAT"] = "1",

                // FAKETIME would take priority over the file, and a cache duration is pointless without the cache.
                ["FAKETIME"] = null,
                ["FAKETIME_CACHE_DURATION"] = null,
            });
            return new SteppedClockPostgres(cluster, offsetFile);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Steps the server's wall clock forward by <paramref name="by"/> on top of the earlier steps. When this returns,
    /// every backend's next clock read, in open connections too, gives the new time; nothing needs reconnecting.
    /// </summary>
    /// <remarks>Only forward: a step backward is a different experiment, and none of the tests needs it yet.</remarks>
    public async Task StepForwardAsync(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _stepping.WaitAsync();
        try
        {
            var offset = Offset + by;
            await WriteOffsetAsync(_offsetFile, offset);
            Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
        }
        finally
        {
            _stepping.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // Only this server's pool: the run's shared server keeps its connections.
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await _cluster.DisposeAsync();
        _stepping.Dispose();
    }

    private static string? FindLibFakeTime()
    {
        const string library = "libfaketime.so.1";
        var multiarch = Directory.Exists("/usr/lib")
            ? Directory.GetDirectories("/usr/lib").Select(dir => Path.Combine(dir, "faketime"))
            : [];
        return multiarch.Concat(LibraryFolders)
            .Select(folder => Path.Combine(folder, library))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Writes libfaketime's relative offset, <c>+N</c> seconds (README, "Using offsets for relative dates"), to a
    /// temporary file and renames it over the real one: libfaketime re-opens the file on every clock read, and a rename
    /// is atomic, so no backend ever reads a half-written or missing file (a missing one would make libfaketime fall
    /// back to ~/.faketimerc or /etc/faketimerc). Whole seconds are written without a fraction, because libfaketime
    /// parses the number with atof(), whose decimal separator depends on the reader's LC_NUMERIC (PostgreSQL keeps it
    /// at "C", so a '.' fraction is still read right there).
    /// </summary>
    private static async Task WriteOffsetAsync(string path, TimeSpan offset)
    {
        var seconds = offset.Ticks % TimeSpan.TicksPerSecond == 0
            ? (offset.Ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture)
            : offset.TotalSeconds.ToString("0.0######", CultureInfo.InvariantCulture);
        var temporary = path + ".next";
        await File.WriteAllTextAsync(temporary, "+" + seconds + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

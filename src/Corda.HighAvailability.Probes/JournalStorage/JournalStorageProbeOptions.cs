namespace Corda.HighAvailability.Probes.JournalStorage;

/// <summary>
/// Options of <see cref="JournalStorageProbeHealthCheck"/>: the Artemis journal directory (on its shared drive), the
/// durable-write latency budget, the free space to keep, and what to expect of the broker's <c>server.lock</c>.
/// </summary>
public sealed class JournalStorageProbeOptions
{
    /// <summary>The default of <see cref="BlockSize"/>: 1 MiB.</summary>
    public const int DefaultBlockSize = 1024 * 1024;

    /// <summary>The largest <see cref="BlockSize"/>: 64 MiB.</summary>
    public const int MaxBlockSize = 64 * 1024 * 1024;

    /// <summary>The default of <see cref="LatencySamples"/>: 100.</summary>
    public const int DefaultLatencySamples = 100;

    /// <summary>The largest <see cref="LatencySamples"/>: 10,000.</summary>
    public const int MaxLatencySamples = 10_000;

    /// <summary>The default of <see cref="MinimumFreeBytes"/>: 1 GiB.</summary>
    public const long DefaultMinimumFreeBytes = 1024L * 1024 * 1024;

    /// <summary>The default of <see cref="ServerLockFileName"/>: <c>server.lock</c>.</summary>
    public const string DefaultServerLockFileName = "server.lock";

    /// <summary>The default of <see cref="LatencyBudget"/>: 100 ms.</summary>
    public static readonly TimeSpan DefaultLatencyBudget = TimeSpan.FromMilliseconds(100);

    /// <summary>The default of <see cref="Timeout"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The absolute path of the broker's journal directory, for a Corda node <c>&lt;base&gt;/artemis/journal</c>, where
    /// Artemis also keeps <c>server.lock</c>. Required.
    /// </summary>
    public string DirectoryPath { get; set; } = string.Empty;

    /// <summary>
    /// The size of the probe file written, synced and deleted on each run, like a journal write; default 1 MiB. The
    /// file is named <c>.corda-ha-probe-&lt;machine&gt;-&lt;pid&gt;-&lt;random&gt;.tmp</c>, which Artemis ignores.
    /// </summary>
    public int BlockSize { get; set; } = DefaultBlockSize;

    /// <summary>
    /// The probe is Degraded while the 99th percentile of the last <see cref="LatencySamples"/> durable writes is above
    /// this; default 100 ms. Zero makes any write over budget.
    /// </summary>
    public TimeSpan LatencyBudget { get; set; } = DefaultLatencyBudget;

    /// <summary>How many of the latest writes the percentiles are taken over (nearest rank); default 100.</summary>
    public int LatencySamples { get; set; } = DefaultLatencySamples;

    /// <summary>The probe is Degraded when the file system has less free space than this for the probe's user; default 1 GiB. Zero turns it off.</summary>
    public long MinimumFreeBytes { get; set; } = DefaultMinimumFreeBytes;

    /// <summary>
    /// How long one run may take before the probe reports the storage hung; default 10 s. A run that does not return
    /// (a hard NFS mount whose server is gone) is not repeated until it does: later runs report it still hanging.
    /// </summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>Whether to read the broker's <c>server.lock</c> and find who holds locks on it (never taking one); default <see langword="true"/>.</summary>
    public bool InspectServerLock { get; set; } = true;

    /// <summary>The lock file's name inside <see cref="DirectoryPath"/>; default <c>server.lock</c>.</summary>
    public string ServerLockFileName { get; set; } = DefaultServerLockFileName;

    /// <summary>
    /// The node ID this journal's broker must have (as Artemis prints it, e.g. <c>0b9e1c3a-...</c>): the probe is
    /// Unhealthy when <c>server.lock</c> names another one (another broker's journal is mounted here) and Degraded when
    /// it names none. Default none.
    /// </summary>
    public string? ExpectedNodeId { get; set; }

    /// <summary>What to expect of the locks on <c>server.lock</c>; default <see cref="ServerLockExpectation.Any"/>: report only.</summary>
    public ServerLockExpectation ServerLockExpectation { get; set; } = ServerLockExpectation.Any;
}

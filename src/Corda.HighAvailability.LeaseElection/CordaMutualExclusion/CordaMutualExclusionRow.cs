namespace Corda.HighAvailability.LeaseElection.CordaMutualExclusion;

/// <summary>
/// Corda Enterprise's mutual-exclusion row as stored, with the database's clock read in the same query. The
/// timestamps carry no time zone: Corda writes the database's <c>CURRENT_TIMESTAMP</c> into a column without one,
/// and <see cref="DatabaseNow"/> is read the same way, so only the two are compared, never the host's clock.
/// </summary>
public sealed class CordaMutualExclusionRow
{
    /// <summary>Creates a row; readers call this when they map the result.</summary>
    /// <param name="machineName">The stored <c>machine_name</c> (Corda writes <c>&lt;baseDirectory&gt;/&lt;machineName&gt;</c>).</param>
    /// <param name="pid">The stored <c>pid</c> of the node's JVM, as text.</param>
    /// <param name="timestamp">The stored <c>mutual_exclusion_timestamp</c> (database clock, no time zone).</param>
    /// <param name="version">The stored <c>version</c>, increased by every heartbeat.</param>
    /// <param name="databaseNow">The database's clock, read in the same query, in the same form as <paramref name="timestamp"/>.</param>
    /// <param name="waitInterval">The <c>waitInterval</c> liveness is judged against; positive.</param>
    public CordaMutualExclusionRow(string machineName, string pid, DateTime timestamp, long version, DateTime databaseNow, TimeSpan waitInterval)
    {
        ArgumentNullException.ThrowIfNull(machineName);
        ArgumentNullException.ThrowIfNull(pid);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(waitInterval, TimeSpan.Zero);
        MachineName = machineName;
        Pid = pid;
        Timestamp = timestamp;
        Version = version;
        DatabaseNow = databaseNow;
        WaitInterval = waitInterval;
    }

    /// <summary>The stored machine name, usually <c>&lt;baseDirectory&gt;/&lt;machineName&gt;</c>.</summary>
    public string MachineName { get; }

    /// <summary>
    /// The part of <see cref="MachineName"/> after the last <c>/</c> or <c>\</c>: Corda's configured
    /// <c>machineName</c>, by default the host name.
    /// </summary>
    public string HostName
    {
        get
        {
            var slash = MachineName.LastIndexOfAny(['/', '\\']);
            return slash < 0 ? MachineName : MachineName[(slash + 1)..];
        }
    }

    /// <summary>The stored process id of the node's JVM, as text.</summary>
    public string Pid { get; }

    /// <summary>The stored timestamp of the last heartbeat (database clock, no time zone).</summary>
    public DateTime Timestamp { get; }

    /// <summary>The stored version, increased by every heartbeat.</summary>
    public long Version { get; }

    /// <summary>The database's clock, read in the same query as the row.</summary>
    public DateTime DatabaseNow { get; }

    /// <summary>The <c>waitInterval</c> liveness was judged against.</summary>
    public TimeSpan WaitInterval { get; }

    /// <summary>How long ago, by the database's clock, the row was last written.</summary>
    public TimeSpan Age => DatabaseNow - Timestamp;

    /// <summary>
    /// Whether the row looks live: the database's clock has not passed the row's timestamp plus
    /// <see cref="WaitInterval"/>, which is when Corda lets another machine take the row over.
    /// </summary>
    public bool IsLive => DatabaseNow <= Timestamp + WaitInterval;
}

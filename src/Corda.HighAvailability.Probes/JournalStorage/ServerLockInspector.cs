using System.Globalization;
using System.Text;

namespace Corda.HighAvailability.Probes.JournalStorage;

/// <summary>Whether a lock is held, as far as this machine can tell.</summary>
internal enum LockState
{
    Unknown,
    NotHeld,
    Held,
}

/// <summary>What the inspection of an Artemis <c>server.lock</c> found.</summary>
internal sealed class ServerLockFindings
{
    public required string Path { get; init; }

    public bool Exists { get; set; }

    public string? ReadError { get; set; }

    public long? Size { get; set; }

    public DateTimeOffset? Modified { get; set; }

    public byte[] Head { get; set; } = [];

    /// <summary>The status byte at offset 0, when present.</summary>
    public char? State { get; set; }

    /// <summary>The broker's node ID (16 bytes at offset 3) as Artemis prints it, when present.</summary>
    public string? NodeId { get; set; }

    /// <summary>Any lock on the file, by any process.</summary>
    public LockState Lock { get; set; }

    /// <summary>The lock a live (primary) broker holds: byte 1.</summary>
    public LockState PrimaryLock { get; set; }

    /// <summary>The lock a shared-store backup holds while it waits: byte 2.</summary>
    public LockState BackupLock { get; set; }

    public List<string> Holders { get; } = [];

    /// <summary>How the lock state was found, or why it could not be.</summary>
    public string LockCheck { get; set; } = string.Empty;

    /// <summary>The status says live but nothing holds the primary lock; <see langword="null"/> when that cannot be told.</summary>
    public bool? Stale => State == 'L' ? PrimaryLock switch { LockState.NotHeld => true, LockState.Held => false, _ => null } : null;

    public static string StateName(char state) => state switch
    {
        '0' => "first start",
        'L' => "live",
        'F' => "failing back",
        'P' => "paused",
        'N' => "not started",
        _ => "unknown",
    };
}

/// <summary>
/// Reads an Artemis <c>server.lock</c> and finds who holds locks on it, without taking any lock. Artemis's file lock
/// node manager writes a status byte at offset 0 (<c>0</c> first start, <c>L</c> live, <c>F</c> failing back,
/// <c>P</c> paused, <c>N</c> not started) and the broker's 16-byte node ID at offset 3; a live broker holds a write
/// lock on byte 1, a shared-store backup waits holding byte 2 (POSIX locks, from Java's FileChannel).
/// </summary>
/// <remarks>
/// Never run this in the process that holds the broker's locks: closing any descriptor of a file releases the POSIX
/// locks its process holds on it. The .NET host of these probes is not the broker's JVM.
/// </remarks>
internal static class ServerLockInspector
{
    private const int HeadBytes = 4096;
    private const int NodeIdOffset = 3;
    private const int NodeIdLength = 16;
    private const int PrimaryLockByte = 1;
    private const int BackupLockByte = 2;

    public static ServerLockFindings Inspect(string path, Mount? mount)
    {
        var findings = new ServerLockFindings { Path = path };
        if (!NativeFile.IsSupported)
        {
            findings.Exists = File.Exists(path);
            findings.LockCheck = "server.lock's contents and locks are inspected on 64-bit Linux only";
            return findings;
        }

        var fd = NativeFile.OpenForReading(path, out var errno);
        if (fd < 0)
        {
            const int NoSuchFile = 2;
            findings.Exists = errno != NoSuchFile;
            if (findings.Exists)
            {
                findings.ReadError = string.Create(CultureInfo.InvariantCulture, $"server.lock could not be opened for reading (errno {errno})");
                findings.LockCheck = "not checked: the file could not be opened";
            }

            return findings;
        }

        try
        {
            findings.Exists = true;
            var identity = NativeFile.Identify(fd);
            findings.Size = identity?.Size;
            findings.Modified = identity?.Modified;
            Decode(findings, fd);
            FindLocks(findings, fd, identity, mount);
        }
        finally
        {
            NativeFile.CloseDescriptor(fd);
        }

        return findings;
    }

    private static void Decode(ServerLockFindings findings, int fd)
    {
        var buffer = new byte[HeadBytes];
        var read = NativeFile.ReadStart(fd, buffer);
        if (read < 0)
        {
            findings.ReadError = "server.lock could not be read";
            return;
        }

        findings.Head = buffer[..read];
        if (read > 0)
        {
            findings.State = (char)buffer[0];
        }

        if (read >= NodeIdOffset + NodeIdLength)
        {
            var id = Convert.ToHexString(buffer, NodeIdOffset, NodeIdLength).ToLowerInvariant();
            findings.NodeId = $"{id[..8]}-{id[8..12]}-{id[12..16]}-{id[16..20]}-{id[20..]}";
        }
    }

    private static void FindLocks(ServerLockFindings findings, int fd, FileIdentity? identity, Mount? mount)
    {
        // 1. /proc/locks: every kind of lock (flock too), with its pid, but only of processes in this PID namespace.
        List<ProcLock>? listed = null;
        if (identity is not null)
        {
            try
            {
                listed = ProcLocks.For(File.ReadAllText(ProcLocks.Path), identity);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                listed = null;
            }
        }

        // 2. fcntl(F_GETLK): POSIX and OFD locks of every process of this kernel, and of other NFS clients through the
        // server; placing nothing. Not on SMB, whose client tests by taking the lock on the server.
        ConflictingLock? primary = null, backup = null, any = null;
        string? testSkipped = null;
        if (mount is { IsSmb: true })
        {
            testSkipped = $"on {mount.Type} a lock test would take the lock on the server, so none is made";
        }
        else
        {
            try
            {
                primary = NativeFile.TestWriteLock(fd, PrimaryLockByte, 1);
                backup = NativeFile.TestWriteLock(fd, BackupLockByte, 1);
                any = NativeFile.TestWriteLock(fd, 0, 0);
            }
            catch (IOException e)
            {
                testSkipped = e.Message;
            }
            catch (EntryPointNotFoundException)
            {
                testSkipped = "fcntl is not available";
            }
        }

        if (listed is not null)
        {
            foreach (var held in listed)
            {
                // flock() locks live apart from record locks: they never stand for Artemis's byte locks.
                findings.Holders.Add(held.Kind == "FLOCK" ? held.ToString() : held + Role(held.Covers(PrimaryLockByte), held.Covers(BackupLockByte)));
            }
        }

        foreach (var conflict in new[] { primary, backup, any }.OfType<ConflictingLock>().Distinct())
        {
            var alreadyListed = listed?.Any(l => l.Kind != "FLOCK" && l.Pid == conflict.Pid && l.Start == conflict.Start) == true;
            if (!alreadyListed)
            {
                var end = conflict.Length == 0 ? "EOF" : (conflict.Start + conflict.Length - 1).ToString(CultureInfo.InvariantCulture);
                var holder = conflict.Pid switch
                {
                    0 => "a process not visible from here (another PID namespace, or another machine)",
                    -1 => "an OFD lock (no pid)",
                    _ => string.Create(CultureInfo.InvariantCulture, $"pid {conflict.Pid}"),
                };
                var coversPrimary = conflict.Start <= PrimaryLockByte && (conflict.Length == 0 || PrimaryLockByte < conflict.Start + conflict.Length);
                var coversBackup = conflict.Start <= BackupLockByte && (conflict.Length == 0 || BackupLockByte < conflict.Start + conflict.Length);
                findings.Holders.Add(string.Create(CultureInfo.InvariantCulture, $"{conflict.Access} lock bytes {conflict.Start}-{end}, {holder}") + Role(coversPrimary, coversBackup));
            }
        }

        var recordLocks = listed?.Where(l => l.Kind != "FLOCK").ToList();
        var tested = testSkipped is null;
        var nsHidden = InChildPidNamespace();
        findings.PrimaryLock = Decide(primary is not null || recordLocks?.Any(l => l.Covers(PrimaryLockByte)) == true, tested);
        findings.BackupLock = Decide(backup is not null || recordLocks?.Any(l => l.Covers(BackupLockByte)) == true, tested);
        findings.Lock = any is not null || primary is not null || backup is not null || listed is { Count: > 0 }
            ? LockState.Held
            : tested ? LockState.NotHeld : LockState.Unknown;

        var network = mount is { IsNetwork: true };
        if (tested && mount is { HasLocalLocksOnly: true })
        {
            // NFS mounted with local locks: the test saw this machine only.
            findings.PrimaryLock = findings.PrimaryLock == LockState.NotHeld ? LockState.Unknown : findings.PrimaryLock;
            findings.BackupLock = findings.BackupLock == LockState.NotHeld ? LockState.Unknown : findings.BackupLock;
            findings.Lock = findings.Lock == LockState.NotHeld ? LockState.Unknown : findings.Lock;
            findings.LockCheck = $"{mount.Type} is mounted with local locks only (nolock/local_lock): locks of other machines are not visible here";
        }
        else if (tested)
        {
            findings.LockCheck = "fcntl(F_GETLK) lock tests (nothing is locked) on bytes 1 and 2 and the whole file"
                                 + (network ? $", answered by the {mount!.Type} server" : ", which see every process on this machine")
                                 + (listed is null ? "; /proc/locks could not be read, so flock() locks are not seen" : "; flock() locks from /proc/locks")
                                 + (listed is not null && nsHidden ? " (this PID namespace only)" : string.Empty);
        }
        else if (!network && listed is not null && !nsHidden)
        {
            // Without a lock test, /proc/locks is complete on a local file system seen from the initial PID namespace.
            findings.PrimaryLock = Decide(recordLocks!.Any(l => l.Covers(PrimaryLockByte)), decisive: true);
            findings.BackupLock = Decide(recordLocks!.Any(l => l.Covers(BackupLockByte)), decisive: true);
            findings.Lock = listed.Count > 0 ? LockState.Held : LockState.NotHeld;
            findings.LockCheck = $"/proc/locks only ({testSkipped})";
        }
        else
        {
            var why = network
                ? $"locks taken on other machines over {mount!.Type} are not visible here"
                : nsHidden ? "this process runs in a child PID namespace, and /proc/locks hides the locks of processes outside it" : "/proc/locks could not be read";
            findings.LockCheck = $"cannot be determined without taking the lock: {testSkipped}; {why}";
        }
    }

    private static LockState Decide(bool seen, bool decisive) =>
        seen ? LockState.Held : decisive ? LockState.NotHeld : LockState.Unknown;

    private static string Role(bool primary, bool backup) => (primary, backup) switch
    {
        (true, true) => " (covers the primary and backup locks)",
        (true, false) => " (the primary lock: a live broker)",
        (false, true) => " (the backup lock: a waiting backup)",
        _ => string.Empty,
    };

    /// <summary>Whether this process runs in a child PID namespace (a container), where /proc/locks hides outside processes.</summary>
    private static bool InChildPidNamespace()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
            return line is not null && line["NSpid:".Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length > 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true; // Unknown: assume the worse.
        }
    }

    /// <summary>The head of the file as text, when it is printable ASCII.</summary>
    public static string? AsText(byte[] head) =>
        head.Length > 0 && head.All(b => b is >= 0x20 and < 0x7f or (byte)'\n' or (byte)'\r' or (byte)'\t') ? Encoding.ASCII.GetString(head) : null;
}

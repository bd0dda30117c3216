namespace Corda.HighAvailability.LeaseElection.Sqlite;

/// <summary>
/// Tells whether a database file would live on a network file system. SQLite's locking relies on POSIX advisory
/// locks that NFS and SMB implement unreliably, so two hosts sharing a file there can both take the write lock:
/// the SQLite lease store is for candidates on one host only, and refuses such a path.
/// </summary>
internal static class NetworkFileSystem
{
    private static readonly HashSet<string> NetworkTypes = new(StringComparer.Ordinal)
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "coda", "glusterfs", "gpfs", "lustre", "ncpfs",
        "fuse.sshfs", "fuse.glusterfs", "fuse.s3fs", "fuse.rclone", "fuse.cephfs",
    };

    /// <summary>The network file system type holding <paramref name="dataSource"/>, or <see langword="null"/> when local or unknown.</summary>
    /// <param name="dataSource">The <c>Data Source</c> of a SQLite connection string.</param>
    /// <returns>The file system type, e.g. <c>nfs4</c>.</returns>
    public static string? Detect(string dataSource)
    {
        if (string.IsNullOrWhiteSpace(dataSource) || dataSource.StartsWith(':') || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var path = Path.GetFullPath(dataSource);
        if (OperatingSystem.IsWindows())
        {
            return path.StartsWith(@"\\", StringComparison.Ordinal) ? "smb" : null;
        }

        const string MountInfo = "/proc/self/mountinfo";
        if (!OperatingSystem.IsLinux() || !File.Exists(MountInfo))
        {
            return null;
        }

        try
        {
            return TypeOf(path, File.ReadAllText(MountInfo)) is { } type && NetworkTypes.Contains(type) ? type : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The file system type of the longest mount point that contains <paramref name="path"/>, from mountinfo text.</summary>
    /// <param name="path">An absolute path.</param>
    /// <param name="mountInfo">The contents of <c>/proc/self/mountinfo</c>.</param>
    /// <returns>The type, or <see langword="null"/> when no line parses.</returns>
    public static string? TypeOf(string path, string mountInfo)
    {
        string? best = null;
        var bestLength = -1;
        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "36 35 98:0 /root /mount/point rw,noatime shared:1 - ext4 /dev/sda1 rw": the mount point is field 5,
            // the type the first field after " - ". Spaces in paths are escaped as \040.
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }

            var mountPoint = fields[4].Replace("\\040", " ", StringComparison.Ordinal);
            var contains = mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (contains && mountPoint.Length > bestLength)
            {
                best = fields[separator + 1];
                bestLength = mountPoint.Length;
            }
        }

        return best;
    }

    /// <summary>Whether <paramref name="type"/> is a network file system.</summary>
    /// <param name="type">A type from mountinfo.</param>
    /// <returns><see langword="true"/> for NFS, SMB and the like.</returns>
    public static bool IsNetwork(string? type) => type is not null && NetworkTypes.Contains(type);
}

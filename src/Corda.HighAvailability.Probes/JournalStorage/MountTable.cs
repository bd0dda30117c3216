using System.Globalization;

namespace Corda.HighAvailability.Probes.JournalStorage;

/// <summary>A mount of <c>/proc/self/mountinfo</c>: its device, mount point, file system type and super-block options.</summary>
internal sealed record Mount(uint DeviceMajor, uint DeviceMinor, string MountPoint, string Type, string Options)
{
    private static readonly HashSet<string> SmbTypes = new(StringComparer.Ordinal) { "cifs", "smb3", "smbfs" };

    private static readonly HashSet<string> NetworkTypes = new(StringComparer.Ordinal)
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "coda", "glusterfs", "gpfs", "lustre", "ncpfs",
        "fuse.sshfs", "fuse.glusterfs", "fuse.s3fs", "fuse.rclone", "fuse.cephfs",
    };

    public bool IsNetwork => NetworkTypes.Contains(Type);

    /// <summary>SMB clients answer a lock test by taking the lock on the server and releasing it: never test there.</summary>
    public bool IsSmb => SmbTypes.Contains(Type);

    /// <summary>NFS mounted with local locks only: a lock test cannot see other clients' locks.</summary>
    public bool HasLocalLocksOnly => Type.StartsWith("nfs", StringComparison.Ordinal)
                                     && Options.Split(',').Any(o => o is "nolock" or "local_lock=all" or "local_lock=posix");
}

/// <summary>Reads <c>/proc/self/mountinfo</c> to tell on what file system a path lives.</summary>
internal static class MountTable
{
    public const string Path = "/proc/self/mountinfo";

    public static List<Mount> Parse(string mountInfo)
    {
        var mounts = new List<Mount>();
        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "36 35 98:0 /root /mount/point rw,noatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro": the device is
            // field 3 (decimal), the mount point field 5, then after " - " the type, the source and the super options.
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-", 6);
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }

            var device = fields[2].Split(':');
            _ = uint.TryParse(device[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major);
            var minor = 0u;
            _ = device.Length > 1 && uint.TryParse(device[1], NumberStyles.None, CultureInfo.InvariantCulture, out minor);
            var options = separator + 3 < fields.Length ? fields[separator + 3] : string.Empty;
            mounts.Add(new Mount(major, minor, Unescape(fields[4]), fields[separator + 1], options));
        }

        return mounts;
    }

    /// <summary>The mount holding <paramref name="path"/>: the longest mount point containing it (the last one mounted on ties).</summary>
    public static Mount? Containing(IEnumerable<Mount> mounts, string path)
    {
        Mount? best = null;
        foreach (var mount in mounts)
        {
            var point = mount.MountPoint;
            var contains = point == "/" || path == point || path.StartsWith(point.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (contains && (best is null || point.Length >= best.MountPoint.Length))
            {
                best = mount;
            }
        }

        return best;
    }

    /// <summary>Reads the mount table of this process, or <see langword="null"/> where there is none to read.</summary>
    public static List<Mount>? Read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return Parse(File.ReadAllText(Path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Unescape(string field) => field
        .Replace("\\040", " ", StringComparison.Ordinal)
        .Replace("\\011", "\t", StringComparison.Ordinal)
        .Replace("\\012", "\n", StringComparison.Ordinal)
        .Replace("\\134", "\\", StringComparison.Ordinal);
}

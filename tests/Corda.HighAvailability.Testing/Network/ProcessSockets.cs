using System.Globalization;

namespace Corda.HighAvailability.Testing;

/// <summary>This process's own sockets, from /proc (Linux): to count connections without trusting the code under test.</summary>
public static class ProcessSockets
{
    /// <summary>Open file descriptors of this process that are sockets (any kind).</summary>
    public static int Count() =>
        Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(fd => ReadLink(fd)?.StartsWith("socket:", StringComparison.Ordinal) == true);

    /// <summary>Local ports of this process's established TCP (IPv4 and IPv6) connections to <paramref name="remotePort"/>.</summary>
    public static IReadOnlySet<int> LocalPortsConnectedTo(int remotePort)
    {
        var inodes = Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(ReadLink)
            .OfType<string>()
            .Where(l => l.StartsWith("socket:[", StringComparison.Ordinal))
            .Select(l => l[8..^1])
            .ToHashSet(StringComparer.Ordinal);
        var ports = new HashSet<int>();
        foreach (var table in new[] { "/proc/self/net/tcp", "/proc/self/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            // "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode": hex ports, 01 = ESTABLISHED.
            foreach (var fields in File.ReadLines(table).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            {
                if (fields.Length > 9 && fields[3] == "01" && inodes.Contains(fields[9])
                    && int.Parse(fields[2][(fields[2].IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == remotePort)
                {
                    ports.Add(int.Parse(fields[1][(fields[1].IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }

        return ports;
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            // The descriptor was closed meanwhile.
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

using System.Globalization;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>
/// Counts this process's established TCP connections to a port, from the kernel's own tables (<c>/proc/net/tcp</c>
/// and <c>tcp6</c>, matched to this process's sockets by inode through <c>/proc/self/fd</c>): what a test of
/// connection reuse must count, whatever the client library says about itself.
/// </summary>
public static class ProcNetTcp
{
    private const string Established = "01";

    public static bool Available => File.Exists("/proc/net/tcp") && Directory.Exists("/proc/self/fd");

    public static int EstablishedTo(int remotePort)
    {
        var inodes = OwnSocketInodes();
        var count = 0;
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != Established)
                {
                    continue;
                }

                var port = int.Parse(fields[2][(fields[2].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (port == remotePort && inodes.Contains(fields[9]))
                {
                    count++;
                }
            }
        }

        return count;
    }

    private static HashSet<string> OwnSocketInodes()
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target["socket:[".Length..^1]);
                }
            }
            catch (IOException)
            {
                // A descriptor closed while listing.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return inodes;
    }
}

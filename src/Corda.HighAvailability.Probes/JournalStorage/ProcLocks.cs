using System.Globalization;

namespace Corda.HighAvailability.Probes.JournalStorage;

/// <summary>A lock of <c>/proc/locks</c>: <c>POSIX</c>, <c>FLOCK</c> or <c>OFDLCK</c>; range end <see langword="null"/> for EOF.</summary>
internal sealed record ProcLock(string Kind, string Access, int Pid, long Start, long? End)
{
    public bool Covers(long offset) => Start <= offset && (End is null || offset <= End);

    public override string ToString()
    {
        var range = Kind == "FLOCK" ? "whole file" : End is null ? $"bytes {Start}-EOF" : $"bytes {Start}-{End}";
        var holder = Pid switch
        {
            -1 => "an OFD lock (no pid)",
            _ => string.Create(CultureInfo.InvariantCulture, $"pid {Pid}"),
        };
        return $"{Kind} {Access} {range}, {holder}";
    }
}

/// <summary>
/// Reads <c>/proc/locks</c>: every lock this kernel holds, as seen from this process's PID namespace (locks of
/// processes outside it are not listed). Lines look like <c>5: POSIX  ADVISORY  WRITE 4242 fe:00:11657957 1 1</c>:
/// the device's major and minor in hex, the inode in decimal; waiting requests carry <c>-&gt;</c> and are skipped.
/// </summary>
internal static class ProcLocks
{
    public const string Path = "/proc/locks";

    public static List<ProcLock> For(string text, FileIdentity file)
    {
        var locks = new List<ProcLock>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 8 || fields[1] == "->")
            {
                continue;
            }

            var device = fields[5].Split(':');
            if (device.Length != 3
                || !uint.TryParse(device[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var major)
                || !uint.TryParse(device[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var minor)
                || !ulong.TryParse(device[2], NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
                || major != file.DeviceMajor || minor != file.DeviceMinor || inode != file.Inode)
            {
                continue;
            }

            _ = int.TryParse(fields[4], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pid);
            _ = long.TryParse(fields[6], NumberStyles.None, CultureInfo.InvariantCulture, out var start);
            long? end = long.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last : null;
            locks.Add(new ProcLock(fields[1], fields[3], pid, start, end));
        }

        return locks;
    }
}

using System.Globalization;

namespace Corda.Samples.StandInNodeProxy;

/// <summary>
/// The flows started, by client request id: the stand-in's "node database". Each real start appends one line
/// (<c>served-by TAB client-id TAB flow-id TAB result</c>) and the file is closed, so the line is in the operating
/// system's hands before the flow runs or the caller hears anything: it survives a SIGKILL. A restarted proxy loads
/// the file, so a flow started before the kill is found, not started again (Corda keeps flow client ids in the
/// node's database for the same reason).
/// </summary>
internal sealed class FlowLedger
{
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly Dictionary<string, Entry> _byClientId = new(StringComparer.Ordinal);

    public FlowLedger(string path)
    {
        _path = path;
        if (!File.Exists(path))
        {
            return;
        }

        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split('\t');
            // A line cut short by a crash mid-write has fewer fields: that start never completed its record.
            if (parts.Length == 4)
            {
                _byClientId[parts[1]] = new Entry(parts[2], parts[3]);
            }
        }
    }

    /// <summary>
    /// Records a new start, or returns the earlier one with this id. Another proxy sharing the file may have started
    /// it since this one loaded (a failover), so the file is read again under the lock before a new start.
    /// </summary>
    public (Entry Entry, bool Replayed) StartOnce(string servedBy, string clientId, Func<Entry> start)
    {
        lock (_lock)
        {
            if (_byClientId.TryGetValue(clientId, out var known) || TryFindInFile(clientId, out known))
            {
                return (known, true);
            }

            var entry = start();
            File.AppendAllText(_path, string.Create(CultureInfo.InvariantCulture, $"{servedBy}\t{clientId}\t{entry.FlowId}\t{entry.Result}\n"));
            _byClientId[clientId] = entry;
            return (entry, false);
        }
    }

    private bool TryFindInFile(string clientId, out Entry entry)
    {
        entry = default;
        if (!File.Exists(_path))
        {
            return false;
        }

        foreach (var line in File.ReadLines(_path))
        {
            var parts = line.Split('\t');
            if (parts.Length == 4 && parts[1] == clientId)
            {
                entry = new Entry(parts[2], parts[3]);
                _byClientId[clientId] = entry;
                return true;
            }
        }

        return false;
    }

    internal readonly record struct Entry(string FlowId, string Result);
}

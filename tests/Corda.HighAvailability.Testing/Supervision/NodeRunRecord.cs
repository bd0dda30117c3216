using System.Data.Common;
using System.Text.Json;

namespace Corda.HighAvailability.Testing;

/// <summary>
/// What a run of supervised stand-in nodes left behind, and the checks on it: the heartbeat table in commit order
/// (no two holders interleave) and the node lifetimes from the guard log (CLOCK_MONOTONIC, one clock for every
/// process of the host): no node started before the previous one was confirmed dead.
/// </summary>
public static class NodeRunRecord
{
    /// <summary>The stand-in heartbeats in commit order: (commit number, holder "identity/pid").</summary>
    public static List<(long Seq, string Holder)> ReadHeartbeats(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT commit_seq, holder FROM corda_ha_node_heartbeat ORDER BY commit_seq";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return rows;
    }

    /// <summary>
    /// The holders whose heartbeats interleave with another's: read in commit order, a holder must never appear
    /// again once another holder's heartbeat followed its own. Empty when the nodes ran strictly one after another.
    /// </summary>
    public static List<string> Interleavings(IReadOnlyList<(long Seq, string Holder)> heartbeats)
    {
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        string? current = null;
        foreach (var (seq, holder) in heartbeats)
        {
            if (holder == current)
            {
                continue;
            }

            if (finished.Contains(holder))
            {
                problems.Add($"heartbeat #{seq} of {holder} after {current} had taken over");
            }

            if (current is not null)
            {
                finished.Add(current);
            }

            current = holder;
        }

        return problems;
    }

    /// <summary>The guard log's events: started/exited per node pid, released per guard.</summary>
    public static List<GuardLogEvent> ReadGuardLog(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var events = new List<GuardLogEvent>();
        foreach (var line in File.ReadAllLines(path))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                events.Add(new GuardLogEvent(
                    root.GetProperty("event").GetString()!,
                    root.GetProperty("pid").GetInt32(),
                    root.GetProperty("ns").GetInt64(),
                    root.GetProperty("epoch").GetInt64(),
                    root.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : null,
                    root.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null,
                    root.GetProperty("guard").GetInt32()));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                // A line cut short by a killed guard; the lifetimes below then miss an end and say so.
            }
        }

        return events;
    }

    /// <summary>
    /// Each node's life on the monotonic clock: from just before the guard started it to when the guard reaped it
    /// (or, when the guard itself was killed, when the supervisor saw it dead, a later moment). Sorted by start.
    /// </summary>
    public static List<NodeLifetime> Lifetimes(IReadOnlyList<GuardLogEvent> guardLog, IEnumerable<SupervisorEvent> supervisorEvents)
    {
        var exitsSeenBySupervisors = supervisorEvents.Where(e => e.Name == "node-exited").GroupBy(e => e.Pid).ToDictionary(g => g.Key, g => g.Min(e => e.T));
        return guardLog.Where(e => e.Name == "started")
            .Select(start =>
            {
                var exit = guardLog.FirstOrDefault(e => e.Name == "exited" && e.Pid == start.Pid && e.Ns >= start.Ns);
                long? end = exit?.Ns ?? (exitsSeenBySupervisors.TryGetValue(start.Pid, out var seen) ? seen : null);
                return new NodeLifetime(start.Pid, start.Guard, start.Epoch, start.Ns, end, exit?.Reason, exit?.Code);
            })
            .OrderBy(l => l.StartNs)
            .ToList();
    }

    /// <summary>Margins between one node's confirmed death and the next node's start, in ms; negative means overlap.</summary>
    public static List<double> Margins(IReadOnlyList<NodeLifetime> lifetimes) =>
        lifetimes.Zip(lifetimes.Skip(1)).Select(pair => pair.First.EndNs is { } end ? (pair.Second.StartNs - end) / 1e6 : double.NegativeInfinity).ToList();
}

/// <summary>One line of the guard log.</summary>
public sealed record GuardLogEvent(string Name, int Pid, long Ns, long Epoch, int? Code, string? Reason, int Guard);

/// <summary>One node process's life, on CLOCK_MONOTONIC (ns).</summary>
public sealed record NodeLifetime(int Pid, int Guard, long Epoch, long StartNs, long? EndNs, string? Reason, int? Code);

using Corda.HighAvailability.Probes.Internal;

namespace Corda.HighAvailability.Probes.JournalStorage;

/// <summary>Puts what was found of <c>server.lock</c> into a probe report, and judges it against the options' expectations.</summary>
internal static class ServerLockReport
{
    private const int HexBytes = 64;

    public static void Add(ProbeReport report, ServerLockFindings found, JournalStorageProbeOptions options)
    {
        var data = report.Data;
        data["serverLockPath"] = found.Path;
        data["serverLockExists"] = found.Exists;
        if (!found.Exists)
        {
            data["serverLockHeld"] = "not-held";
            data["serverLockSummary"] = "No server.lock: no broker has used this journal yet";
            if (options.ServerLockExpectation == ServerLockExpectation.Held)
            {
                report.Unhealthy($"No broker holds this journal: {found.Path} does not exist (the broker is not running on this journal, or DirectoryPath is not its journal directory).");
            }

            if (options.ExpectedNodeId is not null)
            {
                report.Degraded($"ExpectedNodeId is set but {found.Path} does not exist yet, so the journal's node ID cannot be checked.");
            }

            return;
        }

        if (found.Size is { } size)
        {
            data["serverLockSizeBytes"] = size;
        }

        if (found.Modified is { } modified)
        {
            data["serverLockModified"] = ProbeReport.DataDate(modified);
        }

        if (found.Head.Length > 0)
        {
            data["serverLockHex"] = Convert.ToHexString(found.Head, 0, Math.Min(found.Head.Length, HexBytes)) + (found.Head.Length > HexBytes ? "..." : string.Empty);
            if (ServerLockInspector.AsText(found.Head) is { } text)
            {
                data["serverLockText"] = text.Length > HexBytes ? text[..HexBytes] + "..." : text;
            }
        }

        if (found.State is { } state)
        {
            data["serverLockState"] = $"{state} ({ServerLockFindings.StateName(state)})";
        }

        if (found.NodeId is not null)
        {
            data["serverLockNodeId"] = found.NodeId;
        }

        if (found.ReadError is not null)
        {
            data["serverLockError"] = found.ReadError;
        }

        data["serverLockHeld"] = Name(found.Lock);
        data["serverLockPrimaryHeld"] = Name(found.PrimaryLock);
        data["serverLockBackupHeld"] = Name(found.BackupLock);
        data["serverLockCheck"] = found.LockCheck;
        if (found.Holders.Count > 0)
        {
            data["serverLockHolders"] = string.Join("; ", found.Holders);
        }

        if (found.Stale is { } stale)
        {
            data["serverLockStale"] = stale;
        }

        data["serverLockSummary"] = Summary(found);
        Judge(report, found, options);
    }

    private static void Judge(ProbeReport report, ServerLockFindings found, JournalStorageProbeOptions options)
    {
        if (options.ExpectedNodeId is { } expected)
        {
            var normalized = JournalStorageProbeOptionsValidator.NormalizeNodeId(expected);
            if (found.NodeId is null)
            {
                report.Degraded($"ExpectedNodeId is set but {found.Path} holds no node ID yet ({found.Head.Length} bytes).");
            }
            else if (!string.Equals(found.NodeId, normalized, StringComparison.Ordinal))
            {
                report.Unhealthy($"Foreign journal: {found.Path} belongs to Artemis node {found.NodeId}, not the expected {normalized}. Another broker's journal is mounted here (wrong share or path?): do not start this broker on it.");
            }
        }

        switch (options.ServerLockExpectation)
        {
            case ServerLockExpectation.Held when found.PrimaryLock == LockState.NotHeld:
                report.Unhealthy($"No process holds the primary lock of {found.Path} (byte 1): no live broker runs on this journal{StaleNote(found)}.");
                break;
            case ServerLockExpectation.Held when found.PrimaryLock == LockState.Unknown:
                report.Degraded($"Whether a live broker holds {found.Path} cannot be determined from here: {found.LockCheck}.");
                break;
            case ServerLockExpectation.NotHeld when found.Lock == LockState.Held:
                report.Unhealthy($"A broker still uses this journal: {found.Path} is locked ({string.Join("; ", found.Holders)}). Do not start another broker on it.");
                break;
            case ServerLockExpectation.NotHeld when found.Lock == LockState.Unknown:
                report.Degraded($"Whether a broker still holds {found.Path} cannot be determined from here: {found.LockCheck}.");
                break;
        }
    }

    private static string Summary(ServerLockFindings found)
    {
        var state = found.State is { } s ? $"state {s} ({ServerLockFindings.StateName(s)})" : "empty";
        var node = found.NodeId is null ? string.Empty : $", node {found.NodeId}";
        var locks = found.Lock switch
        {
            LockState.Held => $"locked: {string.Join("; ", found.Holders)}",
            LockState.NotHeld => "not locked by any process",
            _ => "lock state unknown",
        };
        var stale = found.Stale == true ? " (stale: it says live, but no live broker holds it)" : string.Empty;
        return $"server.lock {state}{node}, {locks}{stale}";
    }

    private static string StaleNote(ServerLockFindings found) => found.Stale == true
        ? "; its status still says live, so the broker that wrote it stopped without clearing it (a crash?)"
        : string.Empty;

    private static string Name(LockState state) => state switch
    {
        LockState.Held => "held",
        LockState.NotHeld => "not-held",
        _ => "unknown",
    };
}

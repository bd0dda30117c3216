namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>
/// The executions ledger, shared by the servers of one test, that de-duplicates by request id as a Corda node does
/// with flow client ids: a request id already executed (by any server of the ledger) is not executed again but
/// recorded as <c>NAME ID deduplicated</c>; an execution is <c>NAME ID</c>. Written and flushed before answering,
/// so it outlives a SIGKILL.
/// </summary>
public static class RequestLedger
{
    private static readonly Lock LedgerLock = new();

    /// <summary>Records <paramref name="requestId"/>; false when it had already been executed (de-duplicated).</summary>
    public static bool TryExecute(string ledger, string server, string requestId)
    {
        lock (LedgerLock)
        {
            var executed = File.Exists(ledger) && File.ReadLines(ledger).Any(l => l.Split(' ') is [_, var id] && id == requestId);
            File.AppendAllText(ledger, executed ? $"{server} {requestId} deduplicated\n" : $"{server} {requestId}\n");
            return !executed;
        }
    }
}

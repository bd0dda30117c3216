namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>
/// A read-only view of a Corda 4.6+ node's flows from its checkpoint tables: which are stuck, since when, and why. It
/// works with the node down, and never writes (on PostgreSQL every read runs in a READ ONLY transaction).
/// </summary>
public interface IFlowHospitalReader
{
    /// <summary>Streams the flows <paramref name="query"/> selects, oldest first, one row in memory at a time.</summary>
    /// <param name="query">Filters; <see langword="null"/> for every flow.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The flows.</returns>
    IAsyncEnumerable<FlowRecord> ReadFlowsAsync(FlowQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Counts the flows by status, with the oldest age per status.</summary>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The summary.</returns>
    Task<FlowHospitalSummary> GetSummaryAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads one flow by id.</summary>
    /// <param name="flowId">The flow id (a UUID string).</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The flow, or <see langword="null"/> when no <c>node_checkpoints</c> row has that id.</returns>
    Task<FlowRecord?> FindAsync(string flowId, CancellationToken cancellationToken = default);
}

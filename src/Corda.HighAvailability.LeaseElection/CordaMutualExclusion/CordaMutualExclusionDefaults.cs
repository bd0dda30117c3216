namespace Corda.HighAvailability.LeaseElection.CordaMutualExclusion;

/// <summary>Names and values of Corda Enterprise's mutual-exclusion guard (<c>RunOnceService</c>).</summary>
public static class CordaMutualExclusionDefaults
{
    /// <summary>The table Corda Enterprise creates for its guard: <c>node_mutual_exclusion</c>.</summary>
    public const string TableName = "node_mutual_exclusion";

    /// <summary>The key of the table's only row: <c>X</c>.</summary>
    public const string RowId = "X";

    /// <summary>
    /// The <c>waitInterval</c> the Corda documentation uses, 40 s. Corda itself has no default: set the value the
    /// node is configured with.
    /// </summary>
    public static readonly TimeSpan WaitInterval = TimeSpan.FromSeconds(40);

    /// <summary>The <c>updateInterval</c> (heartbeat period) the Corda documentation uses, 20 s.</summary>
    public static readonly TimeSpan UpdateInterval = TimeSpan.FromSeconds(20);
}

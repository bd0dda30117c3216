namespace Corda.HighAvailability.LeaseElection.Storage;

/// <summary>Who asks for a lease: the unique identity plus metadata an operator reads in <c>corda-ha lease status</c>.</summary>
public sealed class LeaseHolder
{
    /// <summary>Creates a holder description.</summary>
    /// <param name="id">Unique identity of this candidate instance; two live processes must never share it.</param>
    /// <param name="machine">Host name, for operators.</param>
    /// <param name="processId">Operating-system process id, for operators.</param>
    /// <param name="version">Version of the host application, for operators.</param>
    public LeaseHolder(string id, string? machine = null, int? processId = null, string? version = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
        Machine = machine;
        ProcessId = processId;
        Version = version;
    }

    /// <summary>Unique identity of the candidate.</summary>
    public string Id { get; }

    /// <summary>Host name of the candidate, if known.</summary>
    public string? Machine { get; }

    /// <summary>Process id of the candidate, if known.</summary>
    public int? ProcessId { get; }

    /// <summary>Version of the host application, if known.</summary>
    public string? Version { get; }
}

namespace Corda.HighAvailability.LeaseElection.Storage;

/// <summary>Who asks for a lease: the unique identity plus metadata an operator reads in <c>corda-ha lease status</c>.</summary>
public sealed class LeaseHolder
{
    /// <summary>Creates a holder description.</summary>
    /// <param name="id">Unique identity of this candidate instance; two live processes must never share it.</param>
    /// <param name="machine">Host name, for operators.</param>
    /// <param name="processId">Operating-system process id, for operators.</param>
    /// <param name="version">Version of the host application, for operators.</param>
    /// <param name="instanceId">
    /// Random id of this candidate instance (one elector in one process), so that two processes given the same
    /// configured identity by mistake are still told apart; see <see cref="InstanceId"/>.
    /// </param>
    public LeaseHolder(string id, string? machine = null, int? processId = null, string? version = null, string? instanceId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
        Machine = machine;
        ProcessId = processId;
        Version = version;
        InstanceId = instanceId;
    }

    /// <summary>Unique identity of the candidate.</summary>
    public string Id { get; }

    /// <summary>Host name of the candidate, if known.</summary>
    public string? Machine { get; }

    /// <summary>Process id of the candidate, if known.</summary>
    public int? ProcessId { get; }

    /// <summary>Version of the host application, if known.</summary>
    public string? Version { get; }

    /// <summary>
    /// Random id of the candidate instance that wrote the grant, if known. Elections never trust the configured
    /// <see cref="Id"/> alone to recognise their own grant: a grant is this instance's only through the epoch it was
    /// given, and a row carrying this host's <see cref="Id"/> with another instance id reveals a duplicated identity.
    /// </summary>
    public string? InstanceId { get; }
}

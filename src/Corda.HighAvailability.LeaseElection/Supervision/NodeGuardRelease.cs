namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// How the guard reaches the lease store to release this host's grant after the supervisor died and the node is
/// confirmed dead. The guard's host turns it into a store (<c>corda-ha node guard</c> knows every provider).
/// </summary>
public sealed class NodeGuardRelease
{
    /// <summary>The provider name, as in <c>corda-ha --provider</c>: <c>sqlite</c>, <c>postgres</c>, <c>sqlserver</c>.</summary>
    public string Provider { get; set; } = string.Empty;

    /// <summary>The lease store's connection string. Never logged.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The lease table; <see langword="null"/> for the provider's default.</summary>
    public string? TableName { get; set; }
}

namespace Corda.HighAvailability.LeaseElection.Storage;

/// <summary>
/// The lease table does not exist in the database. Thrown by stores so that a host fails at start with one clear
/// message instead of retrying for ever; the message names both remedies.
/// </summary>
public sealed class LeaseSchemaMissingException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public LeaseSchemaMissingException()
        : this("The lease table does not exist.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public LeaseSchemaMissingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the database's error.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The database's error.</param>
    public LeaseSchemaMissingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The standard message for a missing table, naming both remedies.</summary>
    /// <param name="table">The (schema-qualified) table name.</param>
    /// <param name="provider">The provider name for <c>corda-ha lease schema --provider</c>.</param>
    /// <param name="innerException">The database's error.</param>
    /// <returns>The exception.</returns>
    public static LeaseSchemaMissingException ForTable(string table, string provider, Exception innerException) => new(
        $"The lease table '{table}' does not exist. Either have a DBA apply the DDL printed by 'corda-ha lease schema --provider {provider}' "
        + "(production), or set LeaseElectionOptions.AutoCreateSchema = true to create it at start (development).",
        innerException);
}

namespace Corda.HighAvailability.LeaseElection.Storage;

/// <summary>
/// A lease store whose lease lives in a table: it can create the table (development) and print the DDL a DBA applies
/// (production). Optional: a store without a schema (a consensus store) does not implement it.
/// </summary>
public interface ILeaseSchemaStore
{
    /// <summary>Creates the lease table if it is missing (development set-ups; production applies <see cref="GetSchemaScript"/>).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the table exists.</returns>
    Task EnsureSchemaAsync(CancellationToken cancellationToken);

    /// <summary>The DDL a DBA applies in production, where the runtime user has only SELECT, INSERT and UPDATE.</summary>
    /// <returns>The SQL script.</returns>
    string GetSchemaScript();
}

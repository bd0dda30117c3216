using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Checkpoints.PostgreSql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses PostgreSQL as the database the checkpoint verifier reads.</summary>
public static class PostgreSqlCheckpointVerificationBuilderExtensions
{
    /// <summary>
    /// Reads Corda's checkpoint tables from a PostgreSQL database (the node's own, or a restored copy). The node should
    /// be down: the verifier reads each table in a separate statement, on up to five connections at once.
    /// </summary>
    /// <param name="builder">The checkpoint verification builder.</param>
    /// <param name="connectionString">The Npgsql connection string; never logged.</param>
    /// <returns>The builder.</returns>
    public static CheckpointVerificationBuilder UsePostgreSql(this CheckpointVerificationBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseDatabase(_ => new PostgreSqlCheckpointDatabase(connectionString));
    }
}

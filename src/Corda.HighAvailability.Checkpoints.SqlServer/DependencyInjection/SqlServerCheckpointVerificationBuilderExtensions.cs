using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Checkpoints.SqlServer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses SQL Server as the database the checkpoint verifier reads.</summary>
public static class SqlServerCheckpointVerificationBuilderExtensions
{
    /// <summary>
    /// Reads Corda's checkpoint tables from a SQL Server or Azure SQL database (the node's own, or a restored copy).
    /// The node should be down: the verifier reads each table in a separate statement, on up to five connections at
    /// once. Options are validated when the host starts; no connection is opened until a verification runs.
    /// </summary>
    /// <param name="builder">The checkpoint verification builder.</param>
    /// <param name="connectionString">The Microsoft.Data.SqlClient connection string; never logged.</param>
    /// <param name="configure">Further options.</param>
    /// <returns>The builder.</returns>
    public static CheckpointVerificationBuilder UseSqlServer(this CheckpointVerificationBuilder builder, string connectionString, Action<SqlServerCheckpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SqlServerCheckpointOptions>()
            .Configure(options =>
            {
                options.ConnectionString = connectionString;
                configure?.Invoke(options);
            })
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqlServerCheckpointOptions>, SqlServerCheckpointOptionsValidator>());
        return builder.UseDatabase(sp => new SqlServerCheckpointDatabase(sp.GetRequiredService<IOptions<SqlServerCheckpointOptions>>().Value));
    }
}

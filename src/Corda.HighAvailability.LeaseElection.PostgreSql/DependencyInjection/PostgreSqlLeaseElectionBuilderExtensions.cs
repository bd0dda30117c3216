using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses PostgreSQL as the lease election's database.</summary>
public static class PostgreSqlLeaseElectionBuilderExtensions
{
    /// <summary>
    /// Stores the lease in a PostgreSQL table, typically in the node's own clustered database, with LISTEN/NOTIFY
    /// so that a standby takes over a released lease at once. Options are validated when the host starts.
    /// </summary>
    /// <param name="builder">The lease election builder.</param>
    /// <param name="connectionString">The Npgsql connection string; never logged.</param>
    /// <param name="configure">Further options.</param>
    /// <returns>The builder.</returns>
    public static LeaseElectionBuilder UsePostgreSql(this LeaseElectionBuilder builder, string connectionString, Action<PostgreSqlLeaseStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PostgreSqlLeaseStoreOptions>()
            .Configure(options =>
            {
                options.ConnectionString = connectionString;
                configure?.Invoke(options);
            })
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlLeaseStoreOptions>, PostgreSqlLeaseStoreOptionsValidator>());
        return builder.UseStore(sp => new PostgreSqlLeaseStore(sp.GetRequiredService<IOptions<PostgreSqlLeaseStoreOptions>>().Value, sp.GetService<TimeProvider>()));
    }
}

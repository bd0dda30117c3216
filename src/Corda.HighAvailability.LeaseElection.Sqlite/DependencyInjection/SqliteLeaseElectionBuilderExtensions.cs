using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.LeaseElection.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses SQLite as the lease election's database.</summary>
public static class SqliteLeaseElectionBuilderExtensions
{
    /// <summary>
    /// Stores the lease in a SQLite file. Suitable when every candidate runs on one host (several processes),
    /// for development and tests; use a clustered database across hosts.
    /// </summary>
    /// <param name="builder">The lease election builder.</param>
    /// <param name="connectionString">The SQLite connection string, e.g. <c>Data Source=ha.db</c>.</param>
    /// <param name="configure">Further options.</param>
    /// <returns>The builder.</returns>
    public static LeaseElectionBuilder UseSqlite(this LeaseElectionBuilder builder, string connectionString, Action<SqliteLeaseStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SqliteLeaseStoreOptions>()
            .Configure(options =>
            {
                options.ConnectionString = connectionString;
                configure?.Invoke(options);
            })
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteLeaseStoreOptions>, SqliteLeaseStoreOptionsValidator>());
        return builder.UseStore(sp => new SqliteLeaseStore(sp.GetRequiredService<IOptions<SqliteLeaseStoreOptions>>().Value, sp.GetService<TimeProvider>()));
    }
}

using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.SqlServer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses SQL Server or Azure SQL as the lease election's database.</summary>
public static class SqlServerLeaseElectionBuilderExtensions
{
    /// <summary>
    /// Stores the lease in a SQL Server or Azure SQL table, typically in the node's own database. Standbys see a
    /// release by polling the row's revision (<see cref="SqlServerLeaseStoreOptions.ChangePollInterval"/>). Options
    /// are validated when the host starts.
    /// </summary>
    /// <param name="builder">The lease election builder.</param>
    /// <param name="connectionString">The Microsoft.Data.SqlClient connection string; never logged.</param>
    /// <param name="configure">Further options.</param>
    /// <returns>The builder.</returns>
    public static LeaseElectionBuilder UseSqlServer(this LeaseElectionBuilder builder, string connectionString, Action<SqlServerLeaseStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SqlServerLeaseStoreOptions>()
            .Configure(options =>
            {
                options.ConnectionString = connectionString;
                configure?.Invoke(options);
            })
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqlServerLeaseStoreOptions>, SqlServerLeaseStoreOptionsValidator>());
        return builder.UseStore(sp => new SqlServerLeaseStore(sp.GetRequiredService<IOptions<SqlServerLeaseStoreOptions>>().Value, sp.GetService<TimeProvider>()));
    }
}

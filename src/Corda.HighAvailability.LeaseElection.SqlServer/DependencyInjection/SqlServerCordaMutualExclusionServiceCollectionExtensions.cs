using Corda.HighAvailability.LeaseElection.CordaMutualExclusion;
using Corda.HighAvailability.LeaseElection.SqlServer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQL Server reader of Corda Enterprise's mutual-exclusion row.</summary>
public static class SqlServerCordaMutualExclusionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SqlServerCordaMutualExclusionReader"/> as the <see cref="ICordaMutualExclusionReader"/>,
    /// for <c>AddCordaMutualExclusionAgreement</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connectionString">The SqlClient connection string of the node's database; never logged.</param>
    /// <param name="configure">Further options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSqlServerCordaMutualExclusionReader(this IServiceCollection services, string connectionString, Action<SqlServerCordaMutualExclusionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SqlServerCordaMutualExclusionOptions>().Configure(options =>
        {
            options.ConnectionString = connectionString;
            configure?.Invoke(options);
        });
        services.TryAddSingleton<ICordaMutualExclusionReader>(sp => new SqlServerCordaMutualExclusionReader(sp.GetRequiredService<IOptions<SqlServerCordaMutualExclusionOptions>>().Value));
        return services;
    }
}

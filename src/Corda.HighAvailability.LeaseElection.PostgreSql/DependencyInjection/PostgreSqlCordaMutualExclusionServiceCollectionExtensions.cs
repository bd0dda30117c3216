using Corda.HighAvailability.LeaseElection.CordaMutualExclusion;
using Corda.HighAvailability.LeaseElection.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL reader of Corda Enterprise's mutual-exclusion row.</summary>
public static class PostgreSqlCordaMutualExclusionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PostgreSqlCordaMutualExclusionReader"/> as the <see cref="ICordaMutualExclusionReader"/>,
    /// for <c>AddCordaMutualExclusionAgreement</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connectionString">The Npgsql connection string of the node's database; never logged.</param>
    /// <param name="configure">Further options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPostgreSqlCordaMutualExclusionReader(this IServiceCollection services, string connectionString, Action<PostgreSqlCordaMutualExclusionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PostgreSqlCordaMutualExclusionOptions>().Configure(options =>
        {
            options.ConnectionString = connectionString;
            configure?.Invoke(options);
        });
        services.TryAddSingleton<ICordaMutualExclusionReader>(sp => new PostgreSqlCordaMutualExclusionReader(sp.GetRequiredService<IOptions<PostgreSqlCordaMutualExclusionOptions>>().Value));
        return services;
    }
}

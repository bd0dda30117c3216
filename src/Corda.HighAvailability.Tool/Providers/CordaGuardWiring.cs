using Corda.HighAvailability.LeaseElection.CordaMutualExclusion;

namespace Corda.HighAvailability.Tool.Providers;

/// <summary>
/// How one provider reads Corda Enterprise's <c>node_mutual_exclusion</c> row, for <c>lease status</c> (a column of
/// <see cref="LeaseWiring"/>; null on a database a Corda node never uses).
/// </summary>
/// <param name="DefaultSchema">The schema Corda's table lives in unless <c>--corda-schema</c> says otherwise.</param>
/// <param name="CreateReader">A reader from the settings; throws <see cref="ArgumentException"/> naming a bad option.</param>
internal sealed record CordaGuardWiring(string DefaultSchema, Func<CordaGuardSettings, ICordaMutualExclusionReader> CreateReader);

/// <summary>Where Corda's row is read: connection, schema and table (null: the provider's default), time zone (PostgreSQL only).</summary>
internal sealed record CordaGuardSettings(string ConnectionString, string? Schema, string? Table, string? TimeZone);

using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.Tool.Drill;

namespace Corda.HighAvailability.Tool.Providers;

/// <summary>How one provider does lease election, for the <c>lease</c> commands and the drill (a column of <see cref="ProviderTable"/>).</summary>
/// <param name="CreateStore">A store for the admin commands, from a connection string and an optional table name.</param>
/// <param name="Use">Wires the provider's store into a drill candidate's DI container, as a host would.</param>
/// <param name="ForExistingDatabase">
/// The connection string for commands that only inspect or change an existing lease: it must not create a missing
/// database, so a mistyped path is reported instead of leaving an empty database behind.
/// </param>
/// <param name="SchemaPlaceholder">A connection string that lets <paramref name="CreateStore"/> build a store without opening anything (printing the schema).</param>
/// <param name="Drill">The drill's write-log SQL in this provider's dialect.</param>
/// <param name="CordaGuard">
/// Reads Corda Enterprise's mutual-exclusion row next to the lease (<c>lease status</c>); null where a Corda node's
/// database never is.
/// </param>
internal sealed record LeaseWiring(
    Func<string, string?, ISqlLeaseStore> CreateStore,
    Func<LeaseElectionBuilder, string, string?, LeaseElectionBuilder> Use,
    Func<string, string> ForExistingDatabase,
    string SchemaPlaceholder,
    DrillSql Drill,
    CordaGuardWiring? CordaGuard);

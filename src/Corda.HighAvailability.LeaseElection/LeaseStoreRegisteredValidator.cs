using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>Fails start-up, rather than the first election, when no database provider was chosen.</summary>
internal sealed class LeaseStoreRegisteredValidator(IServiceProviderIsService isService) : IValidateOptions<LeaseElectionOptions>
{
    public ValidateOptionsResult Validate(string? name, LeaseElectionOptions options) =>
        isService.IsService(typeof(ILeaseStore))
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Lease election has no database: call UseSqlite(...), UsePostgreSql(...) or UseStore(...) on the builder returned by AddLeaseElection().");
}

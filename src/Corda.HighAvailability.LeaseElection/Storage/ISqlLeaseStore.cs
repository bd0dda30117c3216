using Corda.HighAvailability.LeaseElection.Fencing;

namespace Corda.HighAvailability.LeaseElection.Storage;

/// <summary>
/// What a SQL provider package implements: the core lease operations, a lease table with its DDL, and fenced writes
/// in a database transaction (<see cref="ILeaseFence"/>).
/// </summary>
public interface ISqlLeaseStore : ILeaseStore, ILeaseSchemaStore, IFencedLeaseStore<FencedTransaction>
{
}

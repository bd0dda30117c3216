namespace Corda.HighAvailability.LeaseElection.Fencing;

/// <summary>
/// Makes database writes that succeed only while this host's lease grant is still the current one, checked by
/// the database in the same transaction as the write. A paused or partitioned former leader cannot write
/// through it, whatever it believes. Available when the store is a SQL store (<see cref="Storage.ISqlLeaseStore"/>);
/// other stores offer their own kind of write through <see cref="ILeaseFence{TWrite}"/>.
/// </summary>
public interface ILeaseFence : ILeaseFence<FencedTransaction>
{
}

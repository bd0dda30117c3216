using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// A check run after this host gained the lease and before the node starts, for example the checkpoint verifier.
/// A refusal keeps the node down and makes this host release the lease, so that a standby can try.
/// </summary>
public interface IPreStartGate
{
    /// <summary>Decides whether the node may start.</summary>
    /// <param name="token">The grant the node would run under.</param>
    /// <param name="cancellationToken">Cancelled when leadership ends.</param>
    /// <returns>The verdict.</returns>
    ValueTask<PreStartGateResult> CheckAsync(LeaseToken token, CancellationToken cancellationToken);
}

using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>A pre-start gate given as a delegate.</summary>
internal sealed class DelegatePreStartGate(Func<IServiceProvider, LeaseToken, CancellationToken, ValueTask<PreStartGateResult>> check, IServiceProvider services) : IPreStartGate
{
    public ValueTask<PreStartGateResult> CheckAsync(LeaseToken token, CancellationToken cancellationToken) => check(services, token, cancellationToken);
}

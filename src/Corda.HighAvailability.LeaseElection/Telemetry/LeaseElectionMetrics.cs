using System.Diagnostics;
using System.Diagnostics.Metrics;
using Corda.HighAvailability.Diagnostics;

namespace Corda.HighAvailability.LeaseElection.Telemetry;

/// <summary>Instruments of lease election, on the shared <c>Corda.HighAvailability</c> meter.</summary>
internal sealed class LeaseElectionMetrics
{
    public const string IsLeaderName = "corda_ha.lease.is_leader";
    public const string TransitionsName = "corda_ha.lease.transitions";
    public const string RenewDurationName = "corda_ha.lease.renew.duration";
    public const string RenewFailuresName = "corda_ha.lease.renew.failures";
    public const string AcquireDurationName = "corda_ha.lease.acquire.duration";
    public const string DuplicateIdentityName = "corda_ha.lease.duplicate_identity";
    public const string LeaseNameTag = "corda_ha.lease.name";
    public const string TransitionTag = "corda_ha.lease.transition";
    public const string ResultTag = "corda_ha.lease.result";
    public const string ErrorTypeTag = "error.type";

    private readonly Counter<long> _transitions;
    private readonly Histogram<double> _renewDuration;
    private readonly Counter<long> _renewFailures;
    private readonly Histogram<double> _acquireDuration;
    private readonly Counter<long> _duplicateIdentity;
    private readonly List<Func<(bool IsLeader, string LeaseName)>> _leaders = [];

    public LeaseElectionMetrics(CordaHaInstrumentation instrumentation)
    {
        ActivitySource = instrumentation.ActivitySource;
        var meter = instrumentation.Meter;
        meter.CreateObservableGauge(IsLeaderName, ObserveLeaders, "{leader}", "1 while this host holds the lease, else 0.");
        _transitions = meter.CreateCounter<long>(TransitionsName, "{transition}", "Leadership changes of this host.");
        _renewDuration = meter.CreateHistogram<double>(RenewDurationName, "s", "Duration of lease renewal round trips.");
        _renewFailures = meter.CreateCounter<long>(RenewFailuresName, "{failure}", "Renewals that failed or found the lease taken.");
        _acquireDuration = meter.CreateHistogram<double>(AcquireDurationName, "s", "Duration of lease acquisition round trips.");
        _duplicateIdentity = meter.CreateCounter<long>(DuplicateIdentityName, "{grant}", "Grants seen renewed by another live process under this host's identity (a configuration error).");
    }

    public ActivitySource ActivitySource { get; }

    public void TrackLeader(Func<(bool IsLeader, string LeaseName)> state)
    {
        lock (_leaders)
        {
            _leaders.Add(state);
        }
    }

    public void Transition(string leaseName, string transition) =>
        _transitions.Add(1, new(LeaseNameTag, leaseName), new(TransitionTag, transition));

    public void RenewDuration(string leaseName, TimeSpan elapsed, string result) =>
        _renewDuration.Record(elapsed.TotalSeconds, new(LeaseNameTag, leaseName), new(ResultTag, result));

    public void RenewFailure(string leaseName, string errorType) =>
        _renewFailures.Add(1, new(LeaseNameTag, leaseName), new(ErrorTypeTag, errorType));

    public void AcquireDuration(string leaseName, TimeSpan elapsed, string result) =>
        _acquireDuration.Record(elapsed.TotalSeconds, new(LeaseNameTag, leaseName), new(ResultTag, result));

    public void DuplicateIdentity(string leaseName) => _duplicateIdentity.Add(1, new KeyValuePair<string, object?>(LeaseNameTag, leaseName));

    private IEnumerable<Measurement<int>> ObserveLeaders()
    {
        lock (_leaders)
        {
            return _leaders.Select(read =>
            {
                var (isLeader, leaseName) = read();
                return new Measurement<int>(isLeader ? 1 : 0, new KeyValuePair<string, object?>(LeaseNameTag, leaseName));
            }).ToList();
        }
    }
}

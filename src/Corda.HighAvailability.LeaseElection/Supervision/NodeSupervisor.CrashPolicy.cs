namespace Corda.HighAvailability.LeaseElection.Supervision;

// Crashes and step-downs: the restart backoff, the crash history the failover policies read, and the step-down
// request a term makes when it cannot run the node.
internal sealed partial class NodeSupervisor
{
    public IReadOnlyList<long> RecentCrashes
    {
        get
        {
            lock (_sync)
            {
                return _crashes.ToArray();
            }
        }
    }

    /// <summary>Whether the current term cannot run the node (a gate refused, the guard fired): the leader should step down.</summary>
    internal bool StepDownRequested => _stepDownRequested;

    /// <summary>When the last step-down was requested, if ever.</summary>
    internal long? LastStepDownRequest => Interlocked.Read(ref _lastStepDownRequest) is var at and not long.MinValue ? at : null;

    private TimeSpan Backoff(int crashes)
    {
        var delay = _options.RestartDelay * Math.Pow(2, Math.Min(crashes - 1, 20));
        return delay > _options.MaxRestartDelay ? _options.MaxRestartDelay : delay;
    }

    private void RecordCrash()
    {
        lock (_sync)
        {
            _crashes.Enqueue(_time.GetTimestamp());
            while (_crashes.Count > CrashHistoryLength)
            {
                _crashes.Dequeue();
            }
        }
    }

    private void RequestStepDown()
    {
        Interlocked.Exchange(ref _lastStepDownRequest, _time.GetTimestamp());
        _stepDownRequested = true;
    }
}

using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.LeaseElection;

internal sealed partial class LeaseElector
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Lease election for '{LeaseName}' starting as '{Identity}' on {Provider} (lease {LeaseDuration}, renew deadline {RenewDeadline}, retry {RetryPeriod}).")]
    private static partial void LogElectionStarting(ILogger logger, string leaseName, string identity, string provider, TimeSpan leaseDuration, TimeSpan renewDeadline, TimeSpan retryPeriod);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Lease election for '{LeaseName}' stopped.")]
    private static partial void LogElectionStopped(ILogger logger, string leaseName);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Acquired lease '{LeaseName}' at epoch {Epoch} as '{Identity}'.")]
    private static partial void LogAcquired(ILogger logger, string leaseName, long epoch, string identity);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Lost lease '{LeaseName}' (epoch {Epoch}): {Reason}.")]
    private static partial void LogLost(ILogger logger, string leaseName, long epoch, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Stepping down from lease '{LeaseName}' (epoch {Epoch}): {Reason}.")]
    private static partial void LogReleasing(ILogger logger, string leaseName, long epoch, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Released lease '{LeaseName}' (epoch {Epoch}): {Released}.")]
    private static partial void LogReleased(ILogger logger, string leaseName, long epoch, bool released);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Could not release lease '{LeaseName}' (epoch {Epoch}); standbys take over when it lapses.")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string leaseName, long epoch);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Could not try to acquire lease '{LeaseName}'; retrying.")]
    private static partial void LogAcquireFailed(ILogger logger, Exception exception, string leaseName);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Renewal of lease '{LeaseName}' (epoch {Epoch}) failed; last success started {SinceLastRenewal} ago.")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string leaseName, long epoch, TimeSpan sinceLastRenewal);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Error, Message = "No renewal of lease '{LeaseName}' (epoch {Epoch}) succeeded within {RenewDeadline}: stopping leadership before the lease can lapse.")]
    private static partial void LogRenewDeadlinePassed(ILogger logger, string leaseName, long epoch, TimeSpan renewDeadline);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Lease '{LeaseName}' is held by '{Holder}' at epoch {Epoch}.")]
    private static partial void LogNewLeader(ILogger logger, string leaseName, string holder, long epoch);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "Failover policy {Policy}.{Method} threw; its default answer was used.")]
    private static partial void LogPolicyFailed(ILogger logger, Exception exception, string policy, string method);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Error, Message = "Leadership observer {Observer} threw.")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string observer);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "Could not create the lease schema on {Provider}; retrying.")]
    private static partial void LogSchemaFailed(ILogger logger, Exception exception, string provider);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "Waiting for a change of lease '{LeaseName}' failed; falling back to a timed wait.")]
    private static partial void LogWaitFailed(ILogger logger, Exception exception, string leaseName);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Warning, Message = "Could not read lease '{LeaseName}'; retrying.")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string leaseName);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Warning, Message = "Acquired lease '{LeaseName}' at epoch {Epoch}, but the acquire took {Elapsed}, past the renew deadline: releasing it instead of leading.")]
    private static partial void LogAcquiredTooLate(ILogger logger, string leaseName, long epoch, TimeSpan elapsed);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Warning, Message = "A renewal of lease '{LeaseName}' (epoch {Epoch}) was applied only after the renew deadline had passed ({Elapsed}); this host does not lead on it.")]
    private static partial void LogRenewedTooLate(ILogger logger, string leaseName, long epoch, TimeSpan elapsed);

    [LoggerMessage(EventId = 1018, Level = LogLevel.Error, Message = "Another live process (machine {Machine}, pid {ProcessId}) holds lease '{LeaseName}' at epoch {Epoch} under this host's identity '{Identity}'. Identities must be unique per process; the two are told apart by instance id and never both lead, but fix the configuration.")]
    private static partial void LogDuplicateIdentity(ILogger logger, string leaseName, string identity, string machine, int processId, long epoch);

    [LoggerMessage(EventId = 1019, Level = LogLevel.Warning, Message = "Failover policy question {Method} got no answer within {TimeBox}; its default answer was used.")]
    private static partial void LogPolicySlow(ILogger logger, string method, TimeSpan timeBox);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Leader-only work of lease '{LeaseName}' was still starting after {Timeout}; stopping it anyway.")]
    private static partial void LogObserverSlow(ILogger logger, string leaseName, TimeSpan timeout);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Critical, Message = "The lease table for '{LeaseName}' does not exist on {Provider}; the host cannot start.")]
    private static partial void LogSchemaMissing(ILogger logger, Exception exception, string leaseName, string provider);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Warning, Message = "Could not read lease '{LeaseName}' at start-up; the election starts anyway and retries.")]
    private static partial void LogStartupReadFailed(ILogger logger, Exception exception, string leaseName);
}

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
}

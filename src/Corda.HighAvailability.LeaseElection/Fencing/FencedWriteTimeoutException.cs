namespace Corda.HighAvailability.LeaseElection.Fencing;

/// <summary>
/// A fenced transaction did not finish within its limit (<see cref="LeaseElectionOptions.FencedWriteTimeout"/>) and
/// was rolled back: nothing of it was committed. The limit keeps a fenced transaction shorter than the time a
/// standby waits before taking over, so that it can neither hold up a failover nor commit across one.
/// </summary>
public sealed class FencedWriteTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public FencedWriteTimeoutException()
        : this("The fenced transaction did not finish within its limit; nothing was committed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public FencedWriteTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public FencedWriteTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a transaction that outlived <paramref name="limit"/>.</summary>
    /// <param name="limit">The limit it had.</param>
    /// <param name="innerException">The cancellation or server error that ended it, if any.</param>
    public FencedWriteTimeoutException(TimeSpan limit, Exception? innerException)
        : base($"The fenced transaction did not finish within its limit of {limit.TotalMilliseconds:0} ms (LeaseElectionOptions.FencedWriteTimeout); nothing was committed.", innerException)
    {
        Limit = limit;
    }

    /// <summary>The limit the transaction had, when known.</summary>
    public TimeSpan? Limit { get; }
}

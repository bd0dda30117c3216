namespace Corda.HighAvailability.LeaseElection;

/// <summary>
/// A question to user code (a failover policy) asked off the election loop: the code runs on the thread pool, so
/// that even a synchronous, slow or hung policy cannot delay a renewal, and at most one evaluation is in flight.
/// The loop waits for an answer only up to a time box; an answer that comes later is used at the next ask.
/// </summary>
internal sealed class TimeBoxedQuestion
{
    private Task<bool>? _inFlight;

    /// <summary>Asks, or collects the answer of the evaluation already in flight.</summary>
    /// <param name="ask">The evaluation; it must catch its own exceptions.</param>
    /// <param name="timeBox">How long to wait for an answer.</param>
    /// <param name="time">The clock of the wait.</param>
    /// <param name="cancellationToken">Cancels the wait (not the evaluation, which received its own token).</param>
    /// <returns>The answer, or <see langword="null"/> when none came within <paramref name="timeBox"/>.</returns>
    public async ValueTask<bool?> AskAsync(Func<Task<bool>> ask, TimeSpan timeBox, TimeProvider time, CancellationToken cancellationToken)
    {
        var evaluation = _inFlight ??= Task.Run(ask, CancellationToken.None);
        if (!evaluation.IsCompleted)
        {
            try
            {
                await evaluation.WaitAsync(timeBox, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }

        _inFlight = null;
        return evaluation.IsCompletedSuccessfully && evaluation.Result;
    }
}

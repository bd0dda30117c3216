using System.Data.Common;
using Corda.HighAvailability.LeaseElection.Fencing;

namespace Corda.HighAvailability.LeaseElection.Sql;

/// <summary>
/// The time limit of a SQL fenced transaction (<see cref="LeaseElectionOptions.FencedWriteTimeout"/>), kept on the
/// client's side: the work and the commit run under a token cancelled at the limit, and a transaction that is past
/// it when it is about to commit is rolled back instead. Compiled into each SQL provider package (a linked source
/// file), which adds what its server can enforce on its own side.
/// </summary>
internal sealed class FencedTransactionLimit : IDisposable
{
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly CancellationToken _caller;
    private readonly CancellationTokenSource _limit;
    private readonly CancellationTokenSource _linked;

    public FencedTransactionLimit(TimeProvider time, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _time = time;
        _started = time.GetTimestamp();
        _caller = cancellationToken;
        Timeout = timeout;
        _limit = new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _limit.Token);
    }

    public TimeSpan Timeout { get; }

    /// <summary>Cancelled by the caller or at the limit.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Whether a cancellation came from the limit rather than from the caller.</summary>
    public bool Expired => _limit.IsCancellationRequested && !_caller.IsCancellationRequested;

    /// <summary>Commits, unless the transaction is already past its limit: then it is rolled back and the limit reported.</summary>
    public async Task CommitAsync(DbTransaction transaction)
    {
        // Even if nobody took over yet: the limit is what keeps a fenced transaction shorter than a standby's wait.
        if (_time.GetElapsedTime(_started) >= Timeout)
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            throw Exceeded(null);
        }

        await transaction.CommitAsync(Token).ConfigureAwait(false);
    }

    /// <summary>The exception for a transaction that outlived the limit.</summary>
    public FencedWriteTimeoutException Exceeded(Exception? cause) => new(Timeout, cause);

    public void Dispose()
    {
        _linked.Dispose();
        _limit.Dispose();
    }
}

using System.Data;
using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Sql;
using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Data.SqlClient;

namespace Corda.HighAvailability.LeaseElection.SqlServer;

/// <summary>Fenced writes of the SQL Server store: the work, then a HOLDLOCK check, under lock and command timeouts.</summary>
public sealed partial class SqlServerLeaseStore
{
    /// <summary>SQL Server's "Lock request time out period exceeded".</summary>
    private const int LockRequestTimeout = 1222;

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// The work runs first, in a READ COMMITTED transaction; the lease check is the last statement before the
    /// commit and takes a shared lock on the lease row, held to the commit (<c>WITH (HOLDLOCK, ROWLOCK)</c>). A
    /// takeover or forced release that committed before the check makes it fail (the transaction is rolled back and
    /// <see cref="LeaseFencedException"/> thrown); one that comes after it must wait for that lock until this
    /// transaction has ended, so it can never slip in between check and commit. Checking first instead would leave
    /// exactly that gap open for the whole work. HOLDLOCK on the one statement is enough; REPEATABLE READ or
    /// SERIALIZABLE for the whole transaction would also hold shared locks on everything the work reads. The
    /// check is a locking read even under READ_COMMITTED_SNAPSHOT (Azure SQL's default), so it sees the latest
    /// committed row, never an older version.
    /// </para>
    /// <para>
    /// The time limit <paramref name="timeout"/> is enforced on the client's side (the work and the commit run
    /// under a token cancelled at the limit; a transaction past it is rolled back, never committed), and the check
    /// itself runs with <c>SET LOCK_TIMEOUT</c> and a command timeout of what is left of it, so it cannot wait
    /// longer. SQL Server has no equivalent of PostgreSQL's <c>idle_in_transaction_session_timeout</c>: the server
    /// never ends a transaction because its client went quiet. What remains: a client that stalls or is cut off
    /// after its check, before its commit, holds the shared lock, and so holds up every takeover, until the server
    /// notices the dead connection: for a cut-off client, when the server's TCP keepalive gives up (by default
    /// about 30 s of silence plus probes on Windows, configurable on the server), and for a stalled but connected
    /// client, for as long as it stalls. Its write is still never committed once the limit has passed. Keep the
    /// work inside the fence well under the limit: while the lock is held, the leader's own renewal waits too.
    /// </para>
    /// <para>A fenced transaction is never retried, not even after a transient error: the commit may have applied.</para>
    /// </remarks>
    public async Task<T> ExecuteFencedAsync<T>(LeaseToken token, TimeSpan timeout, Func<FencedTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(work);
        using var limit = new FencedTransactionLimit(_time, timeout, cancellationToken);
        var started = _time.GetTimestamp();
        try
        {
            var connection = await OpenAsync(limit.Token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = (SqlTransaction)await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, limit.Token).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var result = await work(new FencedTransaction(connection, transaction, token), limit.Token).ConfigureAwait(false);
                    var remaining = timeout - _time.GetElapsedTime(started);
                    if (remaining <= TimeSpan.Zero)
                    {
                        // The work overran the limit without honouring its token: refuse before taking the lock.
                        await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                        throw limit.Exceeded(null);
                    }

                    await CheckFenceAsync(connection, transaction, token, remaining, limit.Token).ConfigureAwait(false);
                    await limit.CommitAsync(transaction).ConfigureAwait(false);
                    return result;
                }
            }
        }
        catch (OperationCanceledException ex) when (limit.Expired)
        {
            throw limit.Exceeded(ex);
        }
        catch (SqlException ex) when (ex.Number == LockRequestTimeout || limit.Expired)
        {
            // The check waited for the lease row's lock for what was left of the limit, or SqlClient reported the
            // cancellation at the limit as an error of its own.
            throw limit.Exceeded(ex);
        }
        catch (SqlException ex) when (IsMissingTable(ex))
        {
            throw LeaseSchemaMissingException.ForTable(_sql.QualifiedTable, ProviderName, ex);
        }
    }

    private async Task CheckFenceAsync(SqlConnection connection, SqlTransaction transaction, LeaseToken token, TimeSpan remaining, CancellationToken cancellationToken)
    {
        var milliseconds = (long)Math.Ceiling(remaining.TotalMilliseconds);
        var check = CreateCommand(connection, transaction, _sql.FenceCheck(milliseconds), (int)Math.Ceiling(remaining.TotalSeconds));
        await using (check.ConfigureAwait(false))
        {
            AddToken(check.Parameters, token);
            var read = CreateCommand(connection, transaction, _sql.Read);
            await using (read.ConfigureAwait(false))
            {
                AddName(read.Parameters, token.LeaseName);
                await SqlLeaseRow.RequireCurrentGrantAsync(check, read, transaction, token, ReadTime, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

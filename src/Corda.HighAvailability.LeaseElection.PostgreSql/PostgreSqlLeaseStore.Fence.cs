using System.Data;
using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Sql;
using Corda.HighAvailability.LeaseElection.Storage;
using Npgsql;

namespace Corda.HighAvailability.LeaseElection.PostgreSql;

/// <summary>Fenced writes of the PostgreSQL store: the work, then a share-locked check, under server-side time limits.</summary>
public sealed partial class PostgreSqlLeaseStore
{
    /// <inheritdoc />
    /// <remarks>
    /// The work runs first, in a READ COMMITTED transaction; the lease check is the last statement before the
    /// commit and takes a share lock on the lease row. A takeover or forced release that committed before the
    /// check makes it fail (the transaction is rolled back and <see cref="LeaseFencedException"/> thrown); one that
    /// comes after it must wait for the row lock until this transaction has ended, so it can never slip in
    /// between check and commit. Checking first instead would leave exactly that gap open for the whole work.
    /// The first statement sets <c>statement_timeout</c> and <c>idle_in_transaction_session_timeout</c> to
    /// <paramref name="timeout"/> for this transaction only: a client that stalls or is cut off after the check is
    /// disconnected by the server, which releases the lock, instead of holding up every takeover until TCP gives up.
    /// Keep fenced transactions short: while the lock is held, the leader's own renewal waits too.
    /// </remarks>
    public async Task<T> ExecuteFencedAsync<T>(LeaseToken token, TimeSpan timeout, Func<FencedTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(work);
        using var limit = new FencedTransactionLimit(_time, timeout, cancellationToken);
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(limit.Token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, limit.Token).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var limits = CreateCommand(connection, transaction, _sql.FenceLimits);
                    await using (limits.ConfigureAwait(false))
                    {
                        var milliseconds = (long)Math.Ceiling(timeout.TotalMilliseconds);
                        AddText(limits.Parameters, "limit_ms", milliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        await limits.ExecuteNonQueryAsync(limit.Token).ConfigureAwait(false);
                    }

                    var result = await work(new FencedTransaction(connection, transaction, token), limit.Token).ConfigureAwait(false);
                    await CheckFenceAsync(connection, transaction, token, limit.Token).ConfigureAwait(false);

                    await limit.CommitAsync(transaction).ConfigureAwait(false);
                    return result;
                }
            }
        }
        catch (OperationCanceledException ex) when (limit.Expired)
        {
            throw limit.Exceeded(ex);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.QueryCanceled or "25P03")
        {
            // The server ended it: statement_timeout, or idle_in_transaction_session_timeout.
            throw limit.Exceeded(ex);
        }
    }

    private async Task CheckFenceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, LeaseToken token, CancellationToken cancellationToken)
    {
        var check = CreateCommand(connection, transaction, _sql.FenceCheck);
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

using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Sql;
using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Data.Sqlite;

namespace Corda.HighAvailability.LeaseElection.Sqlite;

/// <summary>Fenced writes of the SQLite store: an IMMEDIATE transaction that checks the grant first.</summary>
public sealed partial class SqliteLeaseStore
{
    /// <inheritdoc />
    /// <remarks>
    /// An IMMEDIATE transaction takes the write lock first, so no takeover can commit between the check and our
    /// commit. SQLite has no server to end a stalled transaction: a process stopped while it holds the lock blocks
    /// every other writer for the length of the pause. What this store guarantees is that such a transaction is
    /// never committed once it is older than <paramref name="timeout"/>: the age is checked just before COMMIT.
    /// </remarks>
    public async Task<T> ExecuteFencedAsync<T>(LeaseToken token, TimeSpan timeout, Func<FencedTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(work);
        using var limit = new FencedTransactionLimit(_time, timeout, cancellationToken);
        try
        {
            var connection = await OpenAsync(limit.Token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = connection.BeginTransaction(deferred: false);
                await using (transaction.ConfigureAwait(false))
                {
                    await CheckFenceAsync(connection, transaction, token, limit.Token).ConfigureAwait(false);
                    var result = await work(new FencedTransaction(connection, transaction, token), limit.Token).ConfigureAwait(false);
                    await limit.CommitAsync(transaction).ConfigureAwait(false);
                    return result;
                }
            }
        }
        catch (OperationCanceledException ex) when (limit.Expired)
        {
            throw limit.Exceeded(ex);
        }
    }

    private async Task CheckFenceAsync(SqliteConnection connection, SqliteTransaction transaction, LeaseToken token, CancellationToken cancellationToken)
    {
        var check = CreateCommand(connection, transaction, _sql.FenceCheck);
        await using (check.ConfigureAwait(false))
        {
            AddToken(check.Parameters, token);
            var current = Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            if (current == 1)
            {
                return;
            }

            var read = CreateCommand(connection, transaction, _sql.Read);
            await using (read.ConfigureAwait(false))
            {
                read.Parameters.AddWithValue("$name", token.LeaseName);
                var (_, record) = await ReadRecordAsync(read, cancellationToken).ConfigureAwait(false);
                await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                throw new LeaseFencedException(token, record);
            }
        }
    }
}

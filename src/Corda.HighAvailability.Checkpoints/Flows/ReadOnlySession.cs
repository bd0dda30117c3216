using System.Data;
using System.Data.Common;
using Corda.HighAvailability.Checkpoints.Reading;

namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>
/// One connection and a transaction the flow view reads in, made read-only where the database can
/// (<see cref="CheckpointDatabase.ReadOnlyTransactionStatement"/>): a write, from a bug here or from a view or
/// function behind Corda's table names, fails instead of changing the node's data. Always rolled back.
/// </summary>
internal sealed class ReadOnlySession : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly int _commandTimeoutSeconds;

    private ReadOnlySession(DbConnection connection, DbTransaction transaction, int commandTimeoutSeconds)
    {
        _connection = connection;
        _transaction = transaction;
        _commandTimeoutSeconds = commandTimeoutSeconds;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "The provider's constant read-only statement.")]
    public static async Task<ReadOnlySession> OpenAsync(CheckpointDatabase database, TimeSpan commandTimeout, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        DbTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            var session = new ReadOnlySession(connection, transaction, (int)Math.Ceiling(commandTimeout.TotalSeconds));
            if (database.ReadOnlyTransactionStatement is { } readOnly)
            {
                var command = session.CreateCommand(readOnly);
                await using (command.ConfigureAwait(false))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return session;
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Statements come from FlowHospitalSql: a validated schema, constants, and bound parameters for every value.")]
    public DbCommand CreateCommand(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        command.CommandTimeout = _commandTimeoutSeconds;
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        // Disposing an uncommitted transaction rolls it back; there is nothing to keep.
        await _transaction.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}

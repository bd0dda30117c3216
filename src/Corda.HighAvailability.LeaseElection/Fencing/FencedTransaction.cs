using System.Data.Common;
using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Fencing;

/// <summary>
/// The connection and transaction a fenced write runs in. Enlist every command in <see cref="Transaction"/>;
/// the store commits it only if the lease still carries <see cref="Token"/>.
/// </summary>
public sealed class FencedTransaction
{
    /// <summary>Creates the context; stores call this.</summary>
    /// <param name="connection">The open connection.</param>
    /// <param name="transaction">The transaction to enlist commands in.</param>
    /// <param name="token">The grant the write is made under.</param>
    public FencedTransaction(DbConnection connection, DbTransaction transaction, LeaseToken token)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(token);
        Connection = connection;
        Transaction = transaction;
        Token = token;
    }

    /// <summary>The open connection to the lease's database.</summary>
    public DbConnection Connection { get; }

    /// <summary>The transaction every command must be enlisted in.</summary>
    public DbTransaction Transaction { get; }

    /// <summary>The grant the write is made under; <see cref="LeaseToken.Epoch"/> is the fencing token.</summary>
    public LeaseToken Token { get; }

    /// <summary>Creates a command on <see cref="Connection"/> already enlisted in <see cref="Transaction"/>.</summary>
    /// <returns>The command; the caller disposes it.</returns>
    public DbCommand CreateCommand()
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        return command;
    }
}

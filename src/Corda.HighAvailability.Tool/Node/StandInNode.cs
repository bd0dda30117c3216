using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Node;

/// <summary>
/// <c>corda-ha node stand-in</c> (hidden): a stand-in for a Corda node in tests and the figures harness. It writes a
/// heartbeat (holder, pid, CLOCK_MONOTONIC) into the database every interval, in commit order, opens a TCP port
/// like a node's RPC port, and exits on SIGTERM; with <c>--crash-after</c> it exits with code 3 by itself.
/// </summary>
internal static class StandInNode
{
    public static async Task<int> RunAsync(ProviderKind provider, string connectionString, string holder, int port, TimeSpan interval, TimeSpan? crashAfter, CancellationToken cancellationToken)
    {
        var entry = ProviderTable.Get(provider);
        var postgres = provider == ProviderKind.Postgres;
        var connection = entry.NewConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await CreateTablesAsync(connection, postgres, cancellationToken).ConfigureAwait(false);
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            var accepting = AcceptAsync(listener, cancellationToken);
            var started = MonotonicClock.NowNanoseconds();
            var self = $"{holder}/{Environment.ProcessId}";
            while (!cancellationToken.IsCancellationRequested)
            {
                if (crashAfter is { } crash && MonotonicClock.NowNanoseconds() - started > crash.Ticks * 100)
                {
                    return 3;
                }

                await BeatAsync(connection, self, cancellationToken).ConfigureAwait(false);
                try
                {
                    await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            listener.Stop();
            await accepting.ConfigureAwait(false);
            return ExitCodes.Success;
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "The statements are HeartbeatSql constants.")]
    private static async Task CreateTablesAsync(DbConnection connection, bool postgres, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = HeartbeatSql.Create(postgres);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (DbException) when (attempt < 3)
            {
                // Two stand-ins creating the tables at once on PostgreSQL can collide in the catalog; the table exists now.
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task BeatAsync(DbConnection connection, string holder, CancellationToken cancellationToken)
    {
        // Never cancelled half-way: a heartbeat either commits or is not written.
        var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = HeartbeatSql.Insert;
            Add(command, "@holder", holder);
            Add(command, "@pid", Environment.ProcessId);
            Add(command, "@mono", MonotonicClock.NowNanoseconds());
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }
    }
}

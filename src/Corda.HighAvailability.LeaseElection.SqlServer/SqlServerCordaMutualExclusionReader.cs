using System.Data;
using Corda.HighAvailability.LeaseElection.Sql;
using Corda.HighAvailability.LeaseElection.CordaMutualExclusion;
using Microsoft.Data.SqlClient;

namespace Corda.HighAvailability.LeaseElection.SqlServer;

/// <summary>
/// Reads Corda Enterprise's <c>node_mutual_exclusion</c> row on SQL Server with one parameterised
/// <c>SELECT</c>; it never writes. The server's local clock (<c>SYSDATETIME()</c>, the same clock as Corda's
/// <c>CURRENT_TIMESTAMP</c>) is read in the same statement, so liveness never depends on the host's clock. A
/// missing table or row yields <see langword="null"/>.
/// </summary>
public sealed class SqlServerCordaMutualExclusionReader : ICordaMutualExclusionReader
{
    private readonly string _connectionString;
    private readonly int _commandTimeoutSeconds;

    /// <summary>Creates the reader; identifiers and the timeout are validated here.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public SqlServerCordaMutualExclusionReader(SqlServerCordaMutualExclusionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (table, timeoutSeconds) = CordaMutualExclusionSql.Check(nameof(SqlServerCordaMutualExclusionOptions), options.ConnectionString, options.SchemaName, options.TableName, options.CommandTimeout);
        _connectionString = options.ConnectionString;
        _commandTimeoutSeconds = timeoutSeconds;
        Read = $"""
            SELECT machine_name, pid, CAST(mutual_exclusion_timestamp AS datetime2), version, SYSDATETIME()
            FROM {table}
            WHERE mutual_exclusion_id = @id;
            """;
    }

    /// <summary>The statement sent: the row and the server's clock, parameter <c>@id</c>.</summary>
    internal string Read { get; }

    /// <inheritdoc />
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "The statement is built once from validated identifiers; every value is a parameter.")]
    public async Task<CordaMutualExclusionRow?> ReadAsync(TimeSpan waitInterval, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(waitInterval, TimeSpan.Zero);
        var connection = new SqlConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new SqlCommand(Read, connection) { CommandTimeout = _commandTimeoutSeconds };
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new SqlParameter("@id", SqlDbType.NChar, 255) { Value = CordaMutualExclusionDefaults.RowId });
                try
                {
                    return await CordaMutualExclusionSql.ReadRowAsync(command, waitInterval, cancellationToken).ConfigureAwait(false);
                }
                catch (SqlException ex) when (SqlServerLeaseStore.IsMissingTable(ex))
                {
                    return null;
                }
            }
        }
    }
}

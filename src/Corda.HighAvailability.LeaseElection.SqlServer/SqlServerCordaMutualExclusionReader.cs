using System.Data;
using Corda.HighAvailability.Data;
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
        const string prefix = nameof(SqlServerCordaMutualExclusionOptions) + ".";
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException($"{prefix}{nameof(options.ConnectionString)} is required.", nameof(options));
        }

        var schema = SqlIdentifier.Validate(options.SchemaName, prefix + nameof(options.SchemaName));
        var table = SqlIdentifier.Validate(options.TableName, prefix + nameof(options.TableName));
        if (options.CommandTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"{prefix}{nameof(options.CommandTimeout)} must be at least 1 second.", nameof(options));
        }

        _connectionString = options.ConnectionString;
        _commandTimeoutSeconds = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
        Read = $"""
            SELECT machine_name, pid, CAST(mutual_exclusion_timestamp AS datetime2), version, SYSDATETIME()
            FROM {schema}.{table}
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
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            return null;
                        }

                        return new CordaMutualExclusionRow(
                            reader.GetString(0).TrimEnd(),
                            reader.GetString(1).TrimEnd(),
                            reader.GetDateTime(2),
                            reader.GetInt64(3),
                            reader.GetDateTime(4),
                            waitInterval);
                    }
                }
                catch (SqlException ex) when (SqlServerLeaseStore.IsMissingTable(ex))
                {
                    return null;
                }
            }
        }
    }
}

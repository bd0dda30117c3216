using Corda.HighAvailability.LeaseElection.Sql;
using Corda.HighAvailability.LeaseElection.CordaMutualExclusion;
using Npgsql;
using NpgsqlTypes;

namespace Corda.HighAvailability.LeaseElection.PostgreSql;

/// <summary>
/// Reads Corda Enterprise's <c>node_mutual_exclusion</c> row on PostgreSQL with one parameterised
/// <c>SELECT</c>; it never writes. The database's clock is read in the same statement, in the time zone of
/// <see cref="PostgreSqlCordaMutualExclusionOptions.TimeZone"/>, so liveness never depends on the host's clock.
/// A missing table or row yields <see langword="null"/>.
/// </summary>
public sealed class PostgreSqlCordaMutualExclusionReader : ICordaMutualExclusionReader
{
    private const string UndefinedTable = "42P01";
    private const string UndefinedSchema = "3F000";

    private readonly string _connectionString;
    private readonly string? _timeZone;
    private readonly int _commandTimeoutSeconds;

    /// <summary>Creates the reader; identifiers and the timeout are validated here.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public PostgreSqlCordaMutualExclusionReader(PostgreSqlCordaMutualExclusionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (table, timeoutSeconds) = CordaMutualExclusionSql.Check(nameof(PostgreSqlCordaMutualExclusionOptions), options.ConnectionString, options.SchemaName, options.TableName, options.CommandTimeout);
        _connectionString = options.ConnectionString;
        _timeZone = string.IsNullOrEmpty(options.TimeZone) ? null : options.TimeZone;
        _commandTimeoutSeconds = timeoutSeconds;
        Read = $"""
            SELECT machine_name, pid, mutual_exclusion_timestamp::timestamp, version,
                   (clock_timestamp() AT TIME ZONE COALESCE(@time_zone, current_setting('TimeZone')))::timestamp
            FROM {table}
            WHERE mutual_exclusion_id = @id
            """;
    }

    /// <summary>The statement sent: the row and the database's clock, parameters <c>@id</c> and <c>@time_zone</c>.</summary>
    internal string Read { get; }

    /// <inheritdoc />
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "The statement is built once from validated identifiers; every value is a parameter.")]
    public async Task<CordaMutualExclusionRow?> ReadAsync(TimeSpan waitInterval, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(waitInterval, TimeSpan.Zero);
        var connection = new NpgsqlConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand(Read, connection) { CommandTimeout = _commandTimeoutSeconds };
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Text) { Value = CordaMutualExclusionDefaults.RowId });
                command.Parameters.Add(new NpgsqlParameter("time_zone", NpgsqlDbType.Text) { Value = (object?)_timeZone ?? DBNull.Value });
                try
                {
                    return await CordaMutualExclusionSql.ReadRowAsync(command, waitInterval, cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (ex.SqlState is UndefinedTable or UndefinedSchema)
                {
                    return null;
                }
            }
        }
    }
}

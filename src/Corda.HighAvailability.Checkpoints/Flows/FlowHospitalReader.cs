using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Checkpoints.Telemetry;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>
/// Reads the flow view from a Corda 4.6+ database through a <see cref="CheckpointDatabase"/> dialect: one statement per
/// call, in a read-only session, rows streamed. Ages are measured against the <see cref="TimeProvider"/>, never the
/// database's clock, so that a summary means the same on every host and in tests.
/// </summary>
internal sealed class FlowHospitalReader : IFlowHospitalReader
{
    private const string ListQuery = "list";
    private const string FindQuery = "find";
    private const string SummaryQuery = "summary";

    // flow_id is NVARCHAR(64) / varchar(64): a longer id cannot be in the table.
    private const int FlowIdLength = 64;

    private readonly CheckpointDatabase _database;
    private readonly TimeProvider _time;
    private readonly FlowHospitalMetrics _metrics;
    private readonly FlowHospitalSql _sql;
    private readonly FlowRecordReader _rows;
    private readonly TimeZoneInfo _zone;
    private readonly TimeSpan _commandTimeout;

    public FlowHospitalReader(CheckpointDatabase database, IOptions<FlowHospitalOptions> options, TimeProvider time, FlowHospitalMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metrics);
        var value = options.Value;
        _database = database;
        _time = time;
        _metrics = metrics;
        _sql = new FlowHospitalSql(value.SchemaName ?? database.DefaultSchema, value.MaxTextLength);
        _zone = NodeTimeZones.TryFind(value.NodeTimeZone, out var zone)
            ? zone
            : throw new ArgumentException($"{nameof(FlowHospitalOptions)}.{nameof(FlowHospitalOptions.NodeTimeZone)} '{value.NodeTimeZone}' is not a known time zone.", nameof(options));
        _rows = new FlowRecordReader(_zone, value.MaxTextLength);
        _commandTimeout = value.CommandTimeout;
    }

    public async IAsyncEnumerable<FlowRecord> ReadFlowsAsync(FlowQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var statuses = FlowHospitalSql.StatusCodes(query?.Statuses ?? new HashSet<CheckpointFlowStatus>());
        var olderThan = query?.OlderThan;
        var limit = query?.Limit;
        if (olderThan < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(query), olderThan, $"{nameof(FlowQuery)}.{nameof(FlowQuery.OlderThan)} must not be negative.");
        }

        if (limit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(query), limit, $"{nameof(FlowQuery)}.{nameof(FlowQuery.Limit)} must not be negative.");
        }

        // SQL Server refuses FETCH NEXT 0 ROWS; nothing asked for needs no statement.
        if (limit == 0)
        {
            yield break;
        }

        var now = _time.GetUtcNow();
        long rows = 0;
        using var timing = _metrics.Start(ListQuery, _database.ProviderName);
        try
        {
            var session = await ReadOnlySession.OpenAsync(_database, _commandTimeout, cancellationToken).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                var command = session.CreateCommand(_sql.List(statuses.Count, olderThan is not null, limit is not null));
                await using (command.ConfigureAwait(false))
                {
                    for (var i = 0; i < statuses.Count; i++)
                    {
                        Add(command, FlowHospitalSql.StatusName(i), DbType.Int32, statuses[i]);
                    }

                    if (olderThan is { } age)
                    {
                        Add(command, FlowHospitalSql.CutoffParameter, DbType.DateTime2, NodeTimeZones.ToStored(now - age, _zone));
                    }

                    if (limit is { } most)
                    {
                        Add(command, FlowHospitalSql.LimitParameter, DbType.Int32, most);
                    }

                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            rows++;
                            yield return _rows.Read(reader, now);
                        }
                    }
                }
            }

            timing.Result = FlowHospitalMetrics.QueryTiming.Completed;
        }
        finally
        {
            timing.CancelledIf(cancellationToken);
            _metrics.FlowsRead(rows, ListQuery, _database.ProviderName);
        }
    }

    public Task<FlowRecord?> FindAsync(string flowId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(flowId);
        if (flowId.Length > FlowIdLength)
        {
            return Task.FromResult<FlowRecord?>(null);
        }

        return RunAsync(FindQuery, _sql.Find, command => Add(command, FlowHospitalSql.FlowIdParameter, DbType.String, flowId, FlowIdLength), async (reader, now) =>
        {
            var flow = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? _rows.Read(reader, now) : null;
            _metrics.FlowsRead(flow is null ? 0 : 1, FindQuery, _database.ProviderName);
            return flow;
        }, cancellationToken);
    }

    public Task<FlowHospitalSummary> GetSummaryAsync(CancellationToken cancellationToken = default) =>
        RunAsync(SummaryQuery, _sql.Summary, _ => { }, async (reader, now) =>
        {
            var counts = new Dictionary<CheckpointFlowStatus, (long Count, DateTimeOffset? Oldest)>();
            long total = 0, unrecognized = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var count = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
                total += count;
                if (FlowRecordReader.Number(reader, 0) is { } code && Enum.IsDefined((CheckpointFlowStatus)code))
                {
                    counts[(CheckpointFlowStatus)code] = (count, _rows.Time(reader, 2));
                }
                else
                {
                    unrecognized += count;
                }
            }

            var byStatus = Enum.GetValues<CheckpointFlowStatus>().ToDictionary(
                status => status,
                status => counts.TryGetValue(status, out var entry)
                    ? new FlowStatusSummary { Count = entry.Count, OldestStart = entry.Oldest, OldestAge = now - entry.Oldest }
                    : new FlowStatusSummary());
            return new FlowHospitalSummary { Total = total, ByStatus = byStatus, Unrecognized = unrecognized, AsOf = now };
        }, cancellationToken);

    /// <summary>Runs one statement in a read-only session, timed, and hands its reader to <paramref name="read"/>.</summary>
    private async Task<T> RunAsync<T>(string query, string sql, Action<DbCommand> bind, Func<DbDataReader, DateTimeOffset, Task<T>> read, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        using var timing = _metrics.Start(query, _database.ProviderName);
        try
        {
            var session = await ReadOnlySession.OpenAsync(_database, _commandTimeout, cancellationToken).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                var command = session.CreateCommand(sql);
                await using (command.ConfigureAwait(false))
                {
                    bind(command);
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        var result = await read(reader, now).ConfigureAwait(false);
                        timing.Result = FlowHospitalMetrics.QueryTiming.Completed;
                        return result;
                    }
                }
            }
        }
        finally
        {
            timing.CancelledIf(cancellationToken);
        }
    }

    private static void Add(DbCommand command, string name, DbType type, object value, int size = 0)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value;
        if (size > 0)
        {
            parameter.Size = size;
        }

        command.Parameters.Add(parameter);
    }
}

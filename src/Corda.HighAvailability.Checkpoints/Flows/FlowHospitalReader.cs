using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.Rules;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>
/// Reads the flow view from a Corda 4.6+ database through a <see cref="CheckpointDatabase"/> dialect: one statement per
/// call, in a read-only session, rows streamed. Ages are measured against the <see cref="TimeProvider"/>, never the
/// database's clock, so that a summary means the same on every host and in tests.
/// </summary>
internal sealed class FlowHospitalReader : IFlowHospitalReader
{
    // flow_id is NVARCHAR(64) / varchar(64): a longer id cannot be in the table.
    private const int FlowIdLength = 64;

    private readonly CheckpointDatabase _database;
    private readonly TimeProvider _time;
    private readonly FlowHospitalSql _sql;
    private readonly FlowRecordReader _rows;
    private readonly TimeZoneInfo _zone;
    private readonly TimeSpan _commandTimeout;

    public FlowHospitalReader(CheckpointDatabase database, IOptions<FlowHospitalOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var value = options.Value;
        _database = database;
        _time = time;
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

                if (limit is { } rows)
                {
                    Add(command, FlowHospitalSql.LimitParameter, DbType.Int32, rows);
                }

                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        yield return _rows.Read(reader, now);
                    }
                }
            }
        }
    }

    public async Task<FlowRecord?> FindAsync(string flowId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(flowId);
        if (flowId.Length > FlowIdLength)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var session = await ReadOnlySession.OpenAsync(_database, _commandTimeout, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            var command = session.CreateCommand(_sql.Find);
            await using (command.ConfigureAwait(false))
            {
                Add(command, FlowHospitalSql.FlowIdParameter, DbType.String, flowId, FlowIdLength);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? _rows.Read(reader, now) : null;
                }
            }
        }
    }

    public async Task<FlowHospitalSummary> GetSummaryAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var counts = new Dictionary<CheckpointFlowStatus, (long Count, DateTimeOffset? Oldest)>();
        long total = 0, unrecognized = 0;
        var session = await ReadOnlySession.OpenAsync(_database, _commandTimeout, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            var command = session.CreateCommand(_sql.Summary);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var count = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
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
                }
            }
        }

        var byStatus = Enum.GetValues<CheckpointFlowStatus>().ToDictionary(
            status => status,
            status => counts.TryGetValue(status, out var entry)
                ? new FlowStatusSummary { Count = entry.Count, OldestStart = entry.Oldest, OldestAge = now - entry.Oldest }
                : new FlowStatusSummary());
        return new FlowHospitalSummary { Total = total, ByStatus = byStatus, Unrecognized = unrecognized, AsOf = now };
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

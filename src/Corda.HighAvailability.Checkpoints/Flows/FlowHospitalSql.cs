using System.Globalization;
using System.Text;
using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Data;

namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>
/// The flow view's SELECTs: one schema name validated here, Corda's constant table and column names unquoted (so the
/// database folds them as it folded Corda's own DDL), and every value the caller chooses (statuses, the age cut-off,
/// the flow id, the row limit) as a bound parameter. The SQL is the subset PostgreSQL and SQL Server share: LEFT JOIN,
/// COALESCE, SUBSTRING(x, 1, n) and OFFSET/FETCH. Text columns are cut in the database, one character past the
/// limit so that a cut is visible, so a huge or corrupt value never reaches memory whole.
/// </summary>
internal sealed class FlowHospitalSql
{
    public const string StatusParameter = "@status";
    public const string CutoffParameter = "@cutoff";
    public const string FlowIdParameter = "@flow_id";
    public const string LimitParameter = "@limit";

    /// <summary>
    /// The cap for the short text columns: their declared sizes are at most 512 (<c>flow_identifier</c>), so a
    /// longer value is damage, cut like the rest.
    /// </summary>
    public const int ShortTextLength = 512;

    // The age of a flow counts from its start; a flow without metadata (damaged) from its last checkpoint.
    private const string AgeTime = "COALESCE(m.start_time, c.timestamp)";

    private readonly string _from;
    private readonly string _columns;

    public FlowHospitalSql(string schema, int maxTextLength)
    {
        Schema = SqlIdentifier.Validate(schema, nameof(FlowHospitalOptions) + "." + nameof(FlowHospitalOptions.SchemaName));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTextLength, FlowHospitalOptions.MinMaxTextLength);
        _from = $"FROM {Schema}.{CheckpointTables.Checkpoints} c "
            + $"LEFT JOIN {Schema}.{CheckpointTables.FlowMetadata} m ON m.flow_id = c.flow_id";
        _columns = string.Join(", ", Columns(maxTextLength + 1));
    }

    public string Schema { get; }

    /// <summary>
    /// Flows with their metadata and exception, oldest first. Binds <paramref name="statusCount"/> status parameters
    /// (<see cref="StatusName"/>), then <see cref="CutoffParameter"/> and <see cref="LimitParameter"/> when asked for.
    /// </summary>
    public string List(int statusCount, bool olderThan, bool limit)
    {
        var sql = new StringBuilder($"SELECT {_columns} {_from} LEFT JOIN {Schema}.{CheckpointTables.FlowExceptions} e ON e.flow_id = c.flow_id");
        var where = new List<string>();
        if (statusCount > 0)
        {
            where.Add($"c.status IN ({string.Join(", ", Enumerable.Range(0, statusCount).Select(StatusName))})");
        }

        if (olderThan)
        {
            where.Add($"{AgeTime} < {CutoffParameter}");
        }

        if (where.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        }

        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY {AgeTime}, c.flow_id");
        if (limit)
        {
            sql.Append(CultureInfo.InvariantCulture, $" OFFSET 0 ROWS FETCH NEXT ({LimitParameter}) ROWS ONLY");
        }

        return sql.ToString();
    }

    /// <summary>One flow by id.</summary>
    public string Find =>
        $"SELECT {_columns} {_from} LEFT JOIN {Schema}.{CheckpointTables.FlowExceptions} e ON e.flow_id = c.flow_id WHERE c.flow_id = {FlowIdParameter}";

    /// <summary>(status, count, oldest age time) per status.</summary>
    public string Summary => $"SELECT c.status, COUNT(*), MIN({AgeTime}) {_from} GROUP BY c.status";

    /// <summary>The name of the <paramref name="index"/>th status parameter of <see cref="List"/>.</summary>
    public static string StatusName(int index) => StatusParameter + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The status codes of <paramref name="statuses"/> in a stable order, as <see cref="List"/> binds them.</summary>
    public static IReadOnlyList<int> StatusCodes(IEnumerable<CheckpointFlowStatus> statuses) => statuses.Select(s => (int)s).Distinct().Order().ToList();

    // The SELECT list, in the order FlowRecordReader reads it.
    private static IEnumerable<string> Columns(int cut)
    {
        yield return "c.flow_id";
        yield return "c.status";
        yield return "c.timestamp";
        yield return Cut("c.progress_step", ShortTextLength + 1);
        yield return Cut("c.flow_io_request", ShortTextLength + 1);
        yield return Cut("m.flow_name", ShortTextLength + 1);
        yield return Cut("m.cordapp_name", ShortTextLength + 1);
        yield return Cut("m.started_by", ShortTextLength + 1);
        yield return "m.started_type";
        yield return Cut("m.flow_identifier", ShortTextLength + 1);
        yield return "m.start_time";
        yield return "m.finish_time";
        yield return "e.flow_id";
        yield return Cut("e.type", ShortTextLength + 1);
        yield return Cut("e.exception_message", cut);
        yield return Cut("e.stack_trace", cut);
        yield return "e.timestamp";
    }

    private static string Cut(string column, int length) => string.Create(CultureInfo.InvariantCulture, $"SUBSTRING({column}, 1, {length})");
}

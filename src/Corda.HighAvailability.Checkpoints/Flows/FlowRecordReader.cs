using System.Data.Common;
using System.Globalization;

namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>
/// Turns one row of <see cref="FlowHospitalSql"/>'s SELECT list into a <see cref="FlowRecord"/>. Every column is read
/// defensively: NULLs, and values of an unexpected type in a hand-altered table, become missing values, never an error
/// that would hide the other flows.
/// </summary>
internal sealed class FlowRecordReader(TimeZoneInfo zone, int maxTextLength)
{
    public FlowRecord Read(DbDataReader reader, DateTimeOffset now)
    {
        var lastCheckpoint = Time(reader, 2);
        var start = Time(reader, 10);
        var exception = reader.IsDBNull(12) ? null : ReadException(reader);
        return new FlowRecord
        {
            FlowId = Text(reader, 0, FlowHospitalSql.ShortTextLength) ?? string.Empty,
            StatusCode = Number(reader, 1),
            LastCheckpointTime = lastCheckpoint,
            ProgressStep = Text(reader, 3, FlowHospitalSql.ShortTextLength),
            SuspendedOn = Text(reader, 4, FlowHospitalSql.ShortTextLength),
            FlowClass = Text(reader, 5, FlowHospitalSql.ShortTextLength),
            CordappName = Text(reader, 6, FlowHospitalSql.ShortTextLength),
            StartedBy = Text(reader, 7, FlowHospitalSql.ShortTextLength),
            StartTypeCode = Number(reader, 8),
            ClientId = Text(reader, 9, FlowHospitalSql.ShortTextLength),
            StartTime = start,
            FinishTime = Time(reader, 11),
            Age = (start ?? lastCheckpoint) is { } since ? now - since : null,
            Exception = exception,
        };
    }

    public DateTimeOffset? Time(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        return reader.GetValue(ordinal) switch
        {
            DateTime stored => NodeTimeZones.ToInstant(stored, zone),
            DateTimeOffset instant => instant,
            _ => null,
        };
    }

    public static int? Number(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        return reader.GetValue(ordinal) switch
        {
            int i => i,
            long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
            short s => s,
            byte b => b,
            decimal d when d == decimal.Truncate(d) && d is >= int.MinValue and <= int.MaxValue => (int)d,
            _ => null,
        };
    }

    private FlowExceptionInfo ReadException(DbDataReader reader)
    {
        var (message, messageCut) = Cut(Text(reader, 14, int.MaxValue), maxTextLength);
        var (stack, stackCut) = Cut(Text(reader, 15, int.MaxValue), maxTextLength);
        return new FlowExceptionInfo
        {
            Type = Text(reader, 13, FlowHospitalSql.ShortTextLength),
            Message = message,
            MessageTruncated = messageCut,
            StackTrace = stack,
            StackTraceTruncated = stackCut,
            Time = Time(reader, 16),
        };
    }

    private static string? Text(DbDataReader reader, int ordinal, int limit)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        var text = Convert.ToString(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
        return text is not null && text.Length > limit ? text[..limit] : text;
    }

    private static (string? Text, bool Truncated) Cut(string? text, int limit) =>
        text is not null && text.Length > limit ? (text[..limit], true) : (text, false);
}

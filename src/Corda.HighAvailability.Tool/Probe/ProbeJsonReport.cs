using System.Text.Json;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>
/// One JSON document per round on one line (NDJSON): a single round is plain JSON, and a watch with --repeat can be
/// read line by line while it runs. Written with the writer API: the tool uses no reflection-based serialization.
/// </summary>
internal static class ProbeJsonReport
{
    public static void Write(ProbeRound round) => JsonOutput.Write(
        w =>
        {
            w.WriteString("status", round.Status.ToString());
            w.WriteNumber("round", round.Number);
            w.WriteNumber("rounds", round.Of);
            w.WriteString("startedAt", round.StartedAt);
            w.WriteNumber("durationMs", Milliseconds(round.Duration));
            w.WriteStartArray("checks");
            foreach (var check in round.Checks)
            {
                w.WriteStartObject();
                w.WriteString("name", check.Name);
                w.WriteString("status", check.Status.ToString());
                w.WriteNumber("durationMs", Milliseconds(check.Duration));
                w.WriteString("description", check.Description);
                w.WriteStartObject("data");
                foreach (var (key, value) in check.Data)
                {
                    w.WritePropertyName(key);
                    WriteValue(w, value);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        },
        indented: false);

    private static void WriteValue(Utf8JsonWriter w, object value)
    {
        switch (value)
        {
            case bool flag:
                w.WriteBooleanValue(flag);
                break;
            case byte or short or int or long:
                w.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case uint or ulong:
                w.WriteNumberValue(Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case float or double when !double.IsFinite(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)):
                w.WriteNullValue();
                break;
            case float or double:
                w.WriteNumberValue(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case decimal number:
                w.WriteNumberValue(number);
                break;
            case object[] items:
                w.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                w.WriteStringValue(value.ToString());
                break;
        }
    }

    private static double Milliseconds(TimeSpan value) => Math.Round(value.TotalMilliseconds, 2);
}

using System.Globalization;
using System.Text.Json;

namespace Corda.HighAvailability.Artemis.Jolokia;

/// <summary>
/// Reads attribute values as Jolokia serialises them: JSON booleans and numbers, or strings holding them (some agents
/// and serialisation options turn every value into a string).
/// </summary>
internal static class JolokiaValues
{
    public static bool TryBoolean(JsonElement value, out bool result)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                result = true;
                return true;
            case JsonValueKind.False:
                result = false;
                return true;
            case JsonValueKind.String:
                return bool.TryParse(value.GetString(), out result);
            default:
                result = false;
                return false;
        }
    }

    public static bool TryDouble(JsonElement value, out double result)
    {
        result = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDouble(out result) && double.IsFinite(result),
            JsonValueKind.String => double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out result) && double.IsFinite(result),
            _ => false,
        };
    }

    public static bool TryInt64(JsonElement value, out long result)
    {
        result = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out result),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out result),
            _ => false,
        };
    }

    /// <summary>The value for the result's data: a bool, long, double or (short) string.</summary>
    public static object ForData(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetInt64(out var integer) => integer,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String => JolokiaReply.Short(value.GetString() ?? string.Empty),
        _ => JolokiaReply.Short(value.GetRawText()),
    };

    /// <summary>
    /// The attribute of the one MBean a pattern read returned (<c>{"objectName": {"Attribute": value}}</c>); the
    /// caller has made sure that the pattern matches one broker only.
    /// </summary>
    public static JsonElement? FromPatternRead(JsonElement value, string attribute)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var mbean in value.EnumerateObject())
        {
            if (mbean.Value.ValueKind == JsonValueKind.Object && mbean.Value.TryGetProperty(attribute, out var attributeValue))
            {
                return attributeValue;
            }
        }

        return null;
    }
}

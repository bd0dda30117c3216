using System.Text;

namespace Corda.HighAvailability.Artemis.Jolokia;

/// <summary>
/// Artemis' JMX object names (ObjectNameBuilder): the server control is <c>org.apache.activemq.artemis:broker="B"</c>,
/// a queue control <c>...:broker="B",component=addresses,address="A",subcomponent=queues,routing-type="anycast",queue="Q"</c>,
/// with values quoted as <c>javax.management.ObjectName.quote</c> does. See docs/artemis-management.md.
/// </summary>
internal static class ArtemisObjectNames
{
    public const string Domain = "org.apache.activemq.artemis";

    /// <summary>The server control of <paramref name="broker"/>, or the pattern of every server control when null.</summary>
    public static string Broker(string? broker) => $"{Domain}:broker={(broker is null ? "*" : Quote(broker))}";

    /// <summary>
    /// The pattern of every queue control of <paramref name="broker"/> (any when null) whose name starts with
    /// <paramref name="prefix"/>: the prefix quoted, then an unescaped <c>*</c> inside the quotes, which JMX treats as a
    /// wildcard in a quoted value. The trailing <c>,*</c> lets the address and routing-type keys be anything; it does
    /// not match the address controls, which have no subcomponent key.
    /// </summary>
    public static string QueuesWithPrefix(string? broker, string prefix) =>
        $"{Domain}:broker={(broker is null ? "*" : Quote(broker))},component=addresses,subcomponent=queues,queue=\"{Escape(prefix)}*\",*";

    /// <summary>A value quoted as <c>ObjectName.quote</c> does: backslash, quote, <c>*</c>, <c>?</c> and newline escaped.</summary>
    public static string Quote(string value) => $"\"{Escape(value)}\"";

    /// <summary>The value of key <paramref name="key"/> in an object name, unquoted; null when absent.</summary>
    public static string? KeyValue(string objectName, string key)
    {
        var colon = objectName.IndexOf(':', StringComparison.Ordinal);
        var i = colon + 1;
        while (i > 0 && i < objectName.Length)
        {
            var equals = objectName.IndexOf('=', i);
            if (equals < 0)
            {
                return null;
            }

            var name = objectName[i..equals];
            var (value, next) = ReadValue(objectName, equals + 1);
            if (string.Equals(name, key, StringComparison.Ordinal))
            {
                return value;
            }

            i = next;
        }

        return null;
    }

    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 2);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\' or '"' or '*' or '?':
                    escaped.Append('\\').Append(c);
                    break;
                case '\n':
                    escaped.Append("\\n");
                    break;
                default:
                    escaped.Append(c);
                    break;
            }
        }

        return escaped.ToString();
    }

    /// <summary>Reads a value from <paramref name="start"/>: quoted (unescaped) or plain up to the next comma; returns it and where the next key starts.</summary>
    private static (string Value, int Next) ReadValue(string objectName, int start)
    {
        if (start >= objectName.Length || objectName[start] != '"')
        {
            var comma = objectName.IndexOf(',', start);
            return comma < 0 ? (objectName[start..], objectName.Length) : (objectName[start..comma], comma + 1);
        }

        var value = new StringBuilder();
        var i = start + 1;
        while (i < objectName.Length && objectName[i] != '"')
        {
            if (objectName[i] == '\\' && i + 1 < objectName.Length)
            {
                i++;
                value.Append(objectName[i] == 'n' ? '\n' : objectName[i]);
            }
            else
            {
                value.Append(objectName[i]);
            }

            i++;
        }

        // Past the closing quote and the comma after it.
        return (value.ToString(), i + 2);
    }
}

using System.Globalization;
using System.Text.Json;
using Corda.HighAvailability.Probes.Internal;

namespace Corda.HighAvailability.Artemis.Jolokia;

/// <summary>The agent's answer could not be understood as a Jolokia reply to the probe's request.</summary>
internal sealed class JolokiaReplyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The agent refused the whole request with one error object instead of the bulk answer, as Jolokia does (in an
/// HTTP 200 reply) when its access policy refuses the caller, for example an Origin its CORS policy does not allow.
/// </summary>
internal sealed class JolokiaRefusedException(JolokiaOutcome refusal) : Exception(refusal.Describe())
{
    public JolokiaOutcome Refusal { get; } = refusal;
}

/// <summary>
/// The answer to one entry of the bulk request: Jolokia's per-request <c>status</c> (200, or an HTTP-like error code
/// with the Java exception's class in <c>error_type</c>) and its <c>value</c>.
/// </summary>
internal readonly record struct JolokiaOutcome(int Status, JsonElement Value, string ErrorType, string Error)
{
    public bool Ok => Status == 200;

    /// <summary>The MBean (or, for a pattern, every MBean) does not exist: javax.management.InstanceNotFoundException.</summary>
    public bool InstanceNotFound => Status == 404 && ErrorType.EndsWith("InstanceNotFoundException", StringComparison.Ordinal);

    /// <summary>
    /// The attribute does not exist: AttributeNotFoundException (404) for a named MBean, IllegalArgumentException
    /// "No matching attributes" (400) for a pattern whose MBeans all lack it.
    /// </summary>
    public bool AttributeNotFound =>
        (Status == 404 && ErrorType.EndsWith("AttributeNotFoundException", StringComparison.Ordinal))
        || (Status == 400 && ErrorType.EndsWith("IllegalArgumentException", StringComparison.Ordinal));

    /// <summary>The error for a description: status and message (which Jolokia starts with the exception's class), short and printable.</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"status {Status}: {JolokiaReply.Short(Error.Length > 0 ? Error : ErrorType)}");
}

/// <summary>Reads the agent's JSON reply into one outcome per request entry, refusing anything else.</summary>
internal static class JolokiaReply
{
    private const int MaxQuoted = 240;

    public static JsonDocument Parse(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new JolokiaReplyException($"The reply is not JSON (is the endpoint a Jolokia agent?): it starts with '{Short(System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 80)))}'.", e);
        }
    }

    public static IReadOnlyList<JolokiaOutcome> Outcomes(JsonDocument reply, int expected)
    {
        var root = reply.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("status", out _))
        {
            // The agent refused the whole bulk request (its access policy) and answered one error instead.
            throw new JolokiaRefusedException(Outcome(root));
        }

        if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() != expected)
        {
            throw new JolokiaReplyException(string.Create(CultureInfo.InvariantCulture,
                $"The reply is not a Jolokia bulk reply: expected an array of {expected} answers, got {Kind(root)}."));
        }

        var outcomes = new List<JolokiaOutcome>(expected);
        foreach (var entry in root.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw new JolokiaReplyException($"The reply is not a Jolokia bulk reply: an answer is {Kind(entry)}, not an object.");
            }

            outcomes.Add(Outcome(entry));
        }

        return outcomes;
    }

    /// <summary>A server-supplied text cut short and without control characters, for descriptions.</summary>
    public static string Short(string text)
    {
        var printable = ProbeOptionChecks.Printable(text);
        return printable.Length <= MaxQuoted ? printable : printable[..MaxQuoted] + "...";
    }

    private static JolokiaOutcome Outcome(JsonElement entry)
    {
        var status = entry.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var code) ? code : 0;
        entry.TryGetProperty("value", out var value);
        return new JolokiaOutcome(status, value, Text(entry, "error_type"), Text(entry, "error"));
    }

    private static string Text(JsonElement entry, string property) =>
        entry.TryGetProperty(property, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() ?? string.Empty : string.Empty;

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => string.Create(CultureInfo.InvariantCulture, $"an array of {element.GetArrayLength()}"),
        JsonValueKind.Object => "an object",
        _ => element.ValueKind.ToString().ToLowerInvariant(),
    };
}

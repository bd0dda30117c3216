using System.Globalization;
using System.Text.Json;
using Corda.HighAvailability.Probes.Internal;

namespace Corda.HighAvailability.Artemis.Jolokia;

/// <summary>
/// Judges the MessageCount of the queues read by prefix: a queue over its prefix's threshold means the node's
/// middleware is building up (an inbox not drained, a peer not reachable, a bridge stuck).
/// </summary>
internal sealed class QueueAssessment
{
    /// <summary>Queue depths put in the data, deepest first; a broker with thousands of queues must not flood it.</summary>
    public const int MaxQueuesInData = 50;

    private const int MaxQueuesNamed = 5;

    private readonly JolokiaProbeOptions _options;
    private readonly ProbeReport _report;
    private readonly Dictionary<string, long> _depths = new(StringComparer.Ordinal);
    private int _prefixesRead;

    public QueueAssessment(JolokiaProbeOptions options, ProbeReport report)
    {
        _options = options;
        _report = report;
    }

    /// <summary>Takes the answer to one prefix's pattern read; returns false when the broker has no MessageCount.</summary>
    public bool Read(string prefix, JolokiaOutcome outcome)
    {
        var queues = new List<(string Name, long Count)>();
        if (outcome.Ok && outcome.Value.ValueKind == JsonValueKind.Object)
        {
            foreach (var mbean in outcome.Value.EnumerateObject())
            {
                var name = ArtemisObjectNames.KeyValue(mbean.Name, "queue") ?? mbean.Name;
                if (mbean.Value.ValueKind == JsonValueKind.Object
                    && mbean.Value.TryGetProperty(ArtemisAttributes.MessageCount, out var count)
                    && JolokiaValues.TryInt64(count, out var messages))
                {
                    queues.Add((name, messages));
                }
            }
        }
        else if (outcome.InstanceNotFound)
        {
            // No queue with this prefix: Jolokia answers a pattern that matches nothing with 404.
        }
        else if (outcome.AttributeNotFound)
        {
            return false;
        }
        else
        {
            _report.Degraded($"The queues starting with '{JolokiaReply.Short(prefix)}' could not be read ({outcome.Describe()}).");
            return true;
        }

        _prefixesRead++;
        _report.Data[$"queuesMatched:{prefix}"] = queues.Count;
        foreach (var (name, count) in queues)
        {
            _depths[name] = count;
        }

        var threshold = _options.QueueThresholds[prefix];
        var over = queues.Where(q => q.Count > threshold).OrderByDescending(q => q.Count).ThenBy(q => q.Name, StringComparer.Ordinal).ToList();
        if (over.Count > 0)
        {
            var named = string.Join(", ", over.Take(MaxQueuesNamed).Select(q => string.Create(CultureInfo.InvariantCulture, $"{JolokiaReply.Short(q.Name)} ({q.Count} messages)")));
            var more = over.Count > MaxQueuesNamed ? string.Create(CultureInfo.InvariantCulture, $" and {over.Count - MaxQueuesNamed} more") : string.Empty;
            _report.Degraded(string.Create(CultureInfo.InvariantCulture,
                $"Queue build-up over {threshold} messages (threshold of prefix '{JolokiaReply.Short(prefix)}'): {named}{more}."));
        }

        return true;
    }

    /// <summary>Puts the deepest queues in the data and returns the summary of the queues read.</summary>
    public string Summarize()
    {
        foreach (var (name, count) in _depths.OrderByDescending(q => q.Value).ThenBy(q => q.Key, StringComparer.Ordinal).Take(MaxQueuesInData))
        {
            _report.Data[$"queue:{name}"] = count;
        }

        if (_prefixesRead == 0)
        {
            return string.Empty;
        }

        var deepest = _depths.Count == 0 ? 0 : _depths.Values.Max();
        return string.Create(CultureInfo.InvariantCulture, $" {_depths.Count} queues read, the deepest holding {deepest} messages.");
    }
}

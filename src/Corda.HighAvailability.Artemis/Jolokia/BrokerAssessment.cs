using System.Globalization;
using System.Text.Json;
using Corda.HighAvailability.Probes.Internal;

namespace Corda.HighAvailability.Artemis.Jolokia;

/// <summary>
/// Judges the server control's attributes: which broker was read, whether it is started, active, a backup, in sync,
/// and how full its memory and disk are. Attributes the broker lacks (older versions) are listed, never fatal.
/// </summary>
internal sealed class BrokerAssessment
{
    private readonly JolokiaProbeOptions _options;
    private readonly ProbeReport _report;
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);

    public BrokerAssessment(JolokiaProbeOptions options, ProbeReport report)
    {
        _options = options;
        _report = report;
    }

    /// <summary>The broker read, once <see cref="FindBroker"/> found it.</summary>
    public string? Broker { get; private set; }

    /// <summary>Attributes (of the server and queue controls) the broker does not have.</summary>
    public SortedSet<string> NotSupported { get; } = new(StringComparer.Ordinal);

    /// <summary>Picks the broker from the search's answer; false (and Unhealthy) when it is missing or ambiguous.</summary>
    public bool FindBroker(JolokiaOutcome search)
    {
        if (!search.Ok || search.Value.ValueKind != JsonValueKind.Array)
        {
            _report.Unhealthy($"The search for the broker's MBean failed ({search.Describe()}).");
            return false;
        }

        var brokers = search.Value.EnumerateArray()
            .Where(n => n.ValueKind == JsonValueKind.String)
            .Select(n => ArtemisObjectNames.KeyValue(n.GetString()!, "broker"))
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
        _report.Data["brokers"] = string.Join(", ", brokers);
        var found = brokers.Count == 0 ? "none found" : "found: " + string.Join(", ", brokers.Select(b => $"'{JolokiaReply.Short(b)}'"));
        if (_options.BrokerName is { } named)
        {
            if (!brokers.Contains(named, StringComparer.Ordinal))
            {
                _report.Unhealthy(
                    $"No broker named '{JolokiaReply.Short(named)}' on this agent ({found}): check {nameof(JolokiaProbeOptions)}.{nameof(JolokiaProbeOptions.BrokerName)}, " +
                    "or the broker is not running, still starting, or has JMX management disabled.");
                return false;
            }

            Broker = named;
        }
        else if (brokers.Count == 1)
        {
            Broker = brokers[0];
        }
        else
        {
            _report.Unhealthy(brokers.Count == 0
                ? "No Artemis broker MBean (org.apache.activemq.artemis:broker=...) on this agent: the broker is not running in this JVM, still starting, or has JMX management disabled."
                : $"This agent has several brokers ({found}): set {nameof(JolokiaProbeOptions)}.{nameof(JolokiaProbeOptions.BrokerName)} to the one to probe.");
            return false;
        }

        _report.Data["broker"] = Broker;
        return true;
    }

    /// <summary>Takes the answer to one attribute's read.</summary>
    public void Read(string attribute, JolokiaOutcome outcome)
    {
        if (outcome.Ok)
        {
            // A named MBean's read answers the value; a pattern's (no BrokerName) answers {objectName: {attribute: value}}.
            var value = _options.BrokerName is null ? JolokiaValues.FromPatternRead(outcome.Value, attribute) : outcome.Value;
            if (value is { } v)
            {
                _values[attribute] = v;
                _report.Data[DataKey(attribute)] = JolokiaValues.ForData(v);
            }
            else
            {
                NotSupported.Add(attribute);
            }
        }
        else if (outcome.AttributeNotFound)
        {
            NotSupported.Add(attribute);
        }
        else if (attribute is ArtemisAttributes.Active or ArtemisAttributes.Started or ArtemisAttributes.Backup)
        {
            _report.Unhealthy($"{attribute} of broker '{Broker}' could not be read ({outcome.Describe()}).");
        }
        else
        {
            _report.Degraded($"{attribute} of broker '{Broker}' could not be read ({outcome.Describe()}).");
        }
    }

    /// <summary>Adds the problems the values show and returns the summary of the broker's state.</summary>
    public string Judge()
    {
        var broker = $"Broker '{JolokiaReply.Short(Broker ?? string.Empty)}'";
        var started = Boolean(ArtemisAttributes.Started);
        var active = Boolean(ArtemisAttributes.Active);
        var backup = Boolean(ArtemisAttributes.Backup);
        var replicaSync = Boolean(ArtemisAttributes.ReplicaSync);
        if (started == false)
        {
            _report.Unhealthy($"{broker} is not started (stopped, or still starting).");
        }

        if (!_options.ExpectBackup)
        {
            if (backup == true)
            {
                _report.Unhealthy(
                    $"{broker} is a backup: a load balancer must not send traffic to it (on the standby's probe set " +
                    $"{nameof(JolokiaProbeOptions)}.{nameof(JolokiaProbeOptions.ExpectBackup)}).");
            }
            else if (active == false && started != false)
            {
                _report.Unhealthy($"{broker} is started but not active: it does not serve clients (waiting for its primary's lock or for a failover).");
            }
        }
        else if (backup == false)
        {
            _report.Degraded(
                $"{broker} was expected to be a backup but is not{(active == true ? " (it is active)" : string.Empty)}: a failover happened or the " +
                "roles changed; check the pair before relying on this standby.");
        }

        if (_options.ExpectReplication && replicaSync == false)
        {
            _report.Degraded($"{broker} reports ReplicaSync=false: the replica has not finished synchronising, so a failover now could lose messages.");
        }

        var memory = Percentage(ArtemisAttributes.AddressMemoryUsagePercentage, fraction: false);
        if (memory is { } m)
        {
            Threshold(m, _options.MemoryWarningPercent, _options.MemoryCriticalPercent,
                "Address memory", "of global-max-size; at 100 % Artemis pages, blocks or drops messages");
        }

        var disk = Percentage(ArtemisAttributes.DiskStoreUsage, fraction: true);
        if (disk is { } d)
        {
            _report.Data["diskStoreUsagePercent"] = Math.Round(d, 1);
            Threshold(d, _options.DiskWarningPercent, _options.DiskCriticalPercent,
                "Disk store", "used; at max-disk-usage Artemis stops accepting messages");
        }

        var state = new List<string>();
        if (started is { } s)
        {
            state.Add(s ? "started" : "not started");
        }

        if (active is { } a)
        {
            state.Add(a ? "active" : "not active");
        }

        if (backup is { } b)
        {
            state.Add(b ? "backup" : "live");
        }

        if (replicaSync is { } r)
        {
            state.Add(r ? "replica in sync" : "replica not in sync");
        }

        if (memory is { } mm)
        {
            state.Add(string.Create(CultureInfo.InvariantCulture, $"address memory {mm:0.#} %"));
        }

        if (disk is { } dd)
        {
            state.Add(string.Create(CultureInfo.InvariantCulture, $"disk store {dd:0.#} %"));
        }

        var version = _values.TryGetValue(ArtemisAttributes.Version, out var v) && v.ValueKind == JsonValueKind.String
            ? $" (Artemis {JolokiaReply.Short(v.GetString() ?? string.Empty)})"
            : string.Empty;
        return $"{broker}{version}: {string.Join(", ", state)}.";
    }

    private static string DataKey(string attribute) => char.ToLowerInvariant(attribute[0]) + attribute[1..];

    private bool? Boolean(string attribute)
    {
        if (!_values.TryGetValue(attribute, out var value))
        {
            return null;
        }

        if (JolokiaValues.TryBoolean(value, out var result))
        {
            return result;
        }

        _report.Degraded($"{attribute} has an unexpected value ({JolokiaReply.Short(value.GetRawText())}); a boolean was expected.");
        return null;
    }

    private double? Percentage(string attribute, bool fraction)
    {
        if (!_values.TryGetValue(attribute, out var value))
        {
            return null;
        }

        if (JolokiaValues.TryDouble(value, out var result) && result >= 0)
        {
            return fraction ? result * 100 : result;
        }

        // A broker without a global-max-size, or a store it cannot measure, may answer a negative number.
        _report.Data[DataKey(attribute)] = JolokiaValues.ForData(value);
        return null;
    }

    private void Threshold(double value, double warning, double critical, string what, string meaning)
    {
        if (value >= critical)
        {
            _report.Unhealthy(string.Create(CultureInfo.InvariantCulture, $"{what} at {value:0.#} % {meaning} (critical at {critical:0.#} %)."));
        }
        else if (value >= warning)
        {
            _report.Degraded(string.Create(CultureInfo.InvariantCulture, $"{what} at {value:0.#} % {meaning} (warning at {warning:0.#} %)."));
        }
    }
}

using System.Text.Json;

namespace Corda.HighAvailability.Artemis.Jolokia;

/// <summary>What one entry of the bulk request reads.</summary>
internal enum JolokiaReadKind
{
    /// <summary>A search for the broker's server control (to find it, or to name the ones there are).</summary>
    Brokers,

    /// <summary>One attribute of the server control.</summary>
    BrokerAttribute,

    /// <summary>MessageCount of every queue whose name starts with a prefix.</summary>
    QueuePrefix,
}

/// <summary>One entry of the bulk request; <see cref="Subject"/> is the attribute or the queue-name prefix.</summary>
internal sealed record JolokiaRead(JolokiaReadKind Kind, string Subject, string MBean);

/// <summary>
/// The probe's one bulk request (a JSON array POSTed to the agent, answered by an array in the same order), built
/// once per check since it never changes. Each attribute is its own read so that one the broker lacks fails alone
/// (status 404 or 400) instead of failing the others.
/// </summary>
internal sealed class JolokiaRequest
{
    /// <summary>The server-control attributes read, in this order.</summary>
    public static readonly IReadOnlyList<string> Attributes =
    [
        ArtemisAttributes.Active,
        ArtemisAttributes.Started,
        ArtemisAttributes.Backup,
        ArtemisAttributes.ReplicaSync,
        ArtemisAttributes.AddressMemoryUsagePercentage,
        ArtemisAttributes.DiskStoreUsage,
        ArtemisAttributes.Version,
    ];

    private JolokiaRequest(IReadOnlyList<JolokiaRead> reads, byte[] body)
    {
        Reads = reads;
        Body = body;
    }

    public IReadOnlyList<JolokiaRead> Reads { get; }

    /// <summary>The UTF-8 JSON body.</summary>
    public byte[] Body { get; }

    public static JolokiaRequest Create(JolokiaProbeOptions options)
    {
        var reads = new List<JolokiaRead> { new(JolokiaReadKind.Brokers, string.Empty, ArtemisObjectNames.Broker(null)) };
        var broker = ArtemisObjectNames.Broker(options.BrokerName);
        reads.AddRange(Attributes.Select(a => new JolokiaRead(JolokiaReadKind.BrokerAttribute, a, broker)));
        reads.AddRange(options.QueueThresholds.Keys
            .Order(StringComparer.Ordinal)
            .Select(p => new JolokiaRead(JolokiaReadKind.QueuePrefix, p, ArtemisObjectNames.QueuesWithPrefix(options.BrokerName, p))));

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var read in reads)
            {
                json.WriteStartObject();
                json.WriteString("type", read.Kind == JolokiaReadKind.Brokers ? "search" : "read");
                json.WriteString("mbean", read.MBean);
                if (read.Kind != JolokiaReadKind.Brokers)
                {
                    json.WriteString("attribute", read.Kind == JolokiaReadKind.QueuePrefix ? ArtemisAttributes.MessageCount : read.Subject);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return new JolokiaRequest(reads, buffer.ToArray());
    }

    /// <summary>The Origin sent by default: the endpoint's scheme, host and port, as a browser on the console would send.</summary>
    public static string DefaultOrigin(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Authority);

    /// <summary>Whether <paramref name="origin"/> is scheme://host[:port] with nothing after it.</summary>
    public static bool IsOrigin(string origin) =>
        !origin.Any(char.IsControl)
        && Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(uri.UserInfo)
        && uri.AbsolutePath == "/"
        && origin.TrimEnd('/').Count(c => c == '/') == 2
        && string.IsNullOrEmpty(uri.Query)
        && string.IsNullOrEmpty(uri.Fragment);

    /// <summary>The endpoint without any user information, for messages and data.</summary>
    public static string Redacted(Uri endpoint)
    {
        if (!endpoint.IsAbsoluteUri || string.IsNullOrEmpty(endpoint.UserInfo))
        {
            return endpoint.ToString();
        }

        return new UriBuilder(endpoint) { UserName = string.Empty, Password = string.Empty }.Uri.ToString();
    }
}

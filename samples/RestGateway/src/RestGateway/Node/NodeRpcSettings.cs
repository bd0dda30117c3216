using Corda.HighAvailability.Rpc;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.Samples.RestGateway.Node;

/// <summary>
/// The <c>NodeRpc</c> configuration section (appsettings.json, overridden by environment variables such as
/// <c>NodeRpc__Endpoints__0__Address</c> or by the command line): where the node's RPC proxies are, and how to
/// reconnect. Validated when the host starts (<see cref="NodeRpcSettingsValidator"/>).
/// </summary>
public sealed class NodeRpcSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "NodeRpc";

    /// <summary>The node's proxy, then its hot standby's: the failover order.</summary>
    public List<NodeEndpointSettings> Endpoints { get; } = [];

    /// <summary>The reconnect policy.</summary>
    public ReconnectSettings Reconnect { get; } = new();

    /// <summary>
    /// How long a request may wait for the connection when it is down. Default zero: answer 503 at once, with
    /// <c>Retry-After</c>. See the README ("Fail fast") for why.
    /// </summary>
    public TimeSpan WaitForConnection { get; set; } = TimeSpan.Zero;

    /// <summary>How long one connection attempt may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>TLS to the proxies: trust anchors and the client certificate for mutual TLS (PEM files).</summary>
    public NodeTlsSettings Tls { get; } = new();

    /// <summary>
    /// Sent to the proxy as <c>authorization: Bearer ...</c> when set. A secret: give it by environment variable
    /// (<c>NodeRpc__ApiKey</c>) or a secret store, never in appsettings.json; it is never logged.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Copies these settings into the resilient connection's options.</summary>
    /// <param name="options">The connection's options.</param>
    public void ApplyTo(ResilientRpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var endpoint in Endpoints)
        {
            options.Endpoints.Add(new RpcEndpoint(endpoint.Name, new Uri(endpoint.Address, UriKind.Absolute)));
        }

        options.ReconnectPolicy = Reconnect.ToPolicy();
        // The gateway may start before the node (a restart of both, a deployment order): keep trying in the
        // background and answer 503 meanwhile, instead of failing the gateway's start.
        options.RetryInitialConnection = true;
        options.DefaultWaitForConnection = WaitForConnection;
        options.ConnectTimeout = ConnectTimeout;
    }

    /// <summary>Describes the settings for the start-up log, without the API key.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"endpoints [{string.Join(", ", Endpoints.Select(e => $"{e.Name}={e.Address}"))}], reconnect {Reconnect}, wait for connection {WaitForConnection}, " +
        $"API key {(string.IsNullOrEmpty(ApiKey) ? "none" : "set")}, TLS {Tls}";
}

/// <summary>One endpoint: a name for logs and problem details, and the proxy's <c>http://</c> or <c>https://</c> address.</summary>
public sealed class NodeEndpointSettings
{
    /// <summary>The endpoint's name, for example <c>node-a</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The proxy's address; never with credentials in it (use <see cref="NodeRpcSettings.ApiKey"/>).</summary>
    public string Address { get; set; } = string.Empty;
}

/// <summary>
/// The reconnect policy: a list of <see cref="Delays"/> (the last one repeated), or else exponential backoff
/// (<see cref="InitialDelay"/> × <see cref="Multiplier"/> ± <see cref="Jitter"/>, at most <see cref="MaxDelay"/>; the
/// defaults are gRPC's). Either way the first attempt after a loss goes at once.
/// </summary>
public sealed class ReconnectSettings
{
    /// <summary>Fixed delays before each attempt of an outage; when set, the exponential settings are ignored.</summary>
    public List<TimeSpan> Delays { get; } = [];

    /// <summary>The delay before the second attempt of an outage.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Each further delay is the previous one times this.</summary>
    public double Multiplier { get; set; } = 1.6;

    /// <summary>Random spread of each delay, as a fraction (0.2 = ±20 %), so that many gateways do not reconnect in step.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>The longest delay.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The policy these settings describe.</summary>
    /// <returns>The policy.</returns>
    public IRpcRetryPolicy ToPolicy() =>
        Delays.Count > 0
            ? new FixedDelaysRetryPolicy(Delays, repeatLast: true)
            : new ExponentialBackoffRetryPolicy(InitialDelay, Multiplier, Jitter, MaxDelay);

    /// <inheritdoc />
    public override string ToString() =>
        Delays.Count > 0
            ? $"fixed delays [{string.Join(", ", Delays)}], the last repeated"
            : FormattableString.Invariant($"exponential {InitialDelay} x {Multiplier} ± {Jitter:P0}, at most {MaxDelay}");
}

using Corda.HighAvailability.Rpc.Endpoints;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc;

/// <summary>Options of one <see cref="ResilientRpcConnection{TClient}"/>; validated when the connection is created or the host starts.</summary>
public sealed class ResilientRpcOptions
{
    /// <summary>The default of <see cref="ConnectTimeout"/>: 20 s, gRPC's minimum connect timeout.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The longest <see cref="ConnectTimeout"/> accepted.</summary>
    public static readonly TimeSpan MaxConnectTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The longest <see cref="DefaultWaitForConnection"/> accepted: a request that waits longer has been abandoned by its own caller.</summary>
    public static readonly TimeSpan MaxWaitForConnection = TimeSpan.FromMinutes(10);

    /// <summary>The endpoints, in failover order (for example the node, then its hot standby). At least one; names unique.</summary>
    public IList<RpcEndpoint> Endpoints { get; } = new List<RpcEndpoint>();

    /// <summary>The delay before each connection attempt, or giving up; default <see cref="ExponentialBackoffRetryPolicy.Default"/> (gRPC's backoff).</summary>
    public IRpcRetryPolicy ReconnectPolicy { get; set; } = ExponentialBackoffRetryPolicy.Default;

    /// <summary>The endpoint of each attempt; default a sticky <see cref="OrderedEndpointSelector"/>.</summary>
    public IRpcEndpointSelector EndpointSelector { get; set; } = new OrderedEndpointSelector();

    /// <summary>
    /// Whether the first connection is retried under <see cref="ReconnectPolicy"/>. Default false: the first
    /// connection tries each endpoint once, at once, and closes the connection with the reason if none answers, as
    /// SignalR's <c>StartAsync</c> and Corda's first connect do (a service that is down at start usually means a
    /// configuration error). Set it for a gateway that may start before its node.
    /// </summary>
    public bool RetryInitialConnection { get; set; }

    /// <summary>How long one connection attempt may take; default 20 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = DefaultConnectTimeout;

    /// <summary>
    /// How long a call waits for a connection when it does not say (<see cref="Calls.RpcCallOptions.WaitForConnection"/>):
    /// default <see cref="TimeSpan.Zero"/>, fail fast with <see cref="Calls.RpcUnavailableException"/>.
    /// </summary>
    public TimeSpan DefaultWaitForConnection { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The most calls that may wait for a connection at once; the next one fails fast
    /// (<see cref="Calls.RpcUnavailableReason.BacklogFull"/>) rather than join a queue that only grows. Default 256.
    /// </summary>
    public int MaxWaitingCalls { get; set; } = 256;

    /// <summary>Attempts of a retried call (idempotent or with a request id), the first included, when it does not say; default 3.</summary>
    public int MaxCallAttempts { get; set; } = 3;

    /// <summary>Events buffered per <c>WatchAsync</c> reader; when full, the oldest is dropped. Default 64.</summary>
    public int EventBufferCapacity { get; set; } = 64;

    /// <summary>
    /// With dependency injection: connect when the host starts (default true). Without
    /// <see cref="RetryInitialConnection"/> the host's start waits for the first connection and fails if it fails;
    /// with it, the connection is made in the background.
    /// </summary>
    public bool ConnectOnStart { get; set; } = true;
}

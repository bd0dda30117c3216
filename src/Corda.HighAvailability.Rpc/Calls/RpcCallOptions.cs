namespace Corda.HighAvailability.Rpc.Calls;

/// <summary>
/// How one call behaves when the connection is down. Instances are immutable and may be shared between calls (keep
/// one per kind of call in a static field: the fast path then allocates nothing for them).
/// </summary>
public sealed class RpcCallOptions
{
    /// <summary>Fail fast when disconnected, never retried (unless the connection's defaults say otherwise).</summary>
    public static RpcCallOptions Default { get; } = new();

    /// <summary>
    /// The call may run more than once with the same effect (a query, or a command the server de-duplicates). After a
    /// connection loss it is retried on the next connection, within <see cref="WaitForConnection"/> and
    /// <see cref="MaxAttempts"/>.
    /// </summary>
    public bool Idempotent { get; init; }

    /// <summary>
    /// The caller's request id, sent to the server by the call (<see cref="RpcCallContext.RequestId"/>) so that the
    /// server can recognise a retry, as a Corda flow started with a client id is: the same id returns the flow already
    /// started rather than starting another. A call carrying one is retried after a connection loss like an idempotent
    /// call. Without one, each call gets a generated id, unique to the call and stable across its retries.
    /// </summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// How long the call may wait for a connection, in total, when there is none (before its first attempt or
    /// before a retry): <see cref="TimeSpan.Zero"/> fails fast with <see cref="RpcUnavailableException"/>;
    /// <see langword="null"/> takes <see cref="ResilientRpcOptions.DefaultWaitForConnection"/>.
    /// </summary>
    public TimeSpan? WaitForConnection { get; init; }

    /// <summary>
    /// Attempts of a retried call (idempotent or with a request id), the first included; <see langword="null"/> takes
    /// <see cref="ResilientRpcOptions.MaxCallAttempts"/>.
    /// </summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Whether the call may be retried after a connection loss.</summary>
    internal bool Retriable => Idempotent || RequestId is not null;
}

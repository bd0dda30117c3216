using System.Globalization;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Calls;

/// <summary>What a call delegate gets besides the client: the request id to send, the attempt and the cancellation token.</summary>
public readonly struct RpcCallContext
{
    private readonly string? _callerRequestId;
    private readonly string _idPrefix;
    private readonly long _sequence;

    internal RpcCallContext(string? callerRequestId, string idPrefix, long sequence, int attempt, RpcEndpoint endpoint, CancellationToken cancellationToken)
    {
        _callerRequestId = callerRequestId;
        _idPrefix = idPrefix;
        _sequence = sequence;
        Attempt = attempt;
        Endpoint = endpoint;
        CancellationToken = cancellationToken;
    }

    /// <summary>
    /// The logical call's request id, the same on every attempt: the caller's <see cref="RpcCallOptions.RequestId"/>,
    /// or one generated for this call (the connection's random prefix and the call's sequence number). A generated id
    /// is formatted when read, so a call that never reads it costs nothing; read it once per attempt.
    /// </summary>
    public string RequestId => _callerRequestId ?? string.Create(CultureInfo.InvariantCulture, $"{_idPrefix}-{_sequence:x}");

    /// <summary>Whether <see cref="RequestId"/> was supplied by the caller.</summary>
    public bool IsCallerRequestId => _callerRequestId is not null;

    /// <summary>The attempt, 1 for the first; more only for retried calls.</summary>
    public int Attempt { get; }

    /// <summary>The endpoint of the connection this attempt runs on.</summary>
    public RpcEndpoint Endpoint { get; }

    /// <summary>The caller's cancellation token.</summary>
    public CancellationToken CancellationToken { get; }
}

namespace Corda.Samples.RestGateway.Http;

/// <summary>The problem details <c>type</c>s the gateway answers with (RFC 9457); documented in the sample's README.</summary>
public static class ProblemTypes
{
    /// <summary>503: the node is unreachable; the request was not sent. Retry after <c>Retry-After</c>.</summary>
    public const string NodeUnavailable = "urn:corda-ha-sample:node-unavailable";

    /// <summary>502: the connection was lost during the request; it may have run. Retry with the same Idempotency-Key.</summary>
    public const string ConnectionLost = "urn:corda-ha-sample:connection-lost";

    /// <summary>400: a flow start without a (valid) Idempotency-Key.</summary>
    public const string IdempotencyKeyRequired = "urn:corda-ha-sample:idempotency-key-required";

    /// <summary>502 or 400: the node's proxy answered with an error.</summary>
    public const string NodeError = "urn:corda-ha-sample:node-error";
}

using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Retry;

/// <summary>What an <see cref="IRpcRetryPolicy"/> knows when it decides.</summary>
/// <param name="PreviousAttempts">Attempts that failed in this outage: 0 right after the connection was lost (or before the first connection attempt).</param>
/// <param name="Elapsed">Time since the connection was lost (or since the first connection attempt began).</param>
/// <param name="LastError">Why the connection was lost, or why the previous attempt failed; <see langword="null"/> when unknown.</param>
/// <param name="LastEndpoint">The endpoint of the lost connection or of the previous attempt, if any.</param>
/// <param name="NextEndpoint">The endpoint the next attempt will go to.</param>
/// <param name="IsInitialConnection">True until the first connection has been established.</param>
public readonly record struct RpcRetryContext(
    int PreviousAttempts,
    TimeSpan Elapsed,
    Exception? LastError,
    RpcEndpoint? LastEndpoint,
    RpcEndpoint NextEndpoint,
    bool IsInitialConnection);

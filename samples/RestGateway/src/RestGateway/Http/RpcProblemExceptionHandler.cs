using System.Globalization;
using System.Security.Authentication;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.State;
using Grpc.Core;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Corda.Samples.RestGateway.Http;

/// <summary>
/// Turns the resilient connection's failures into HTTP answers a client can act on:
/// <list type="bullet">
/// <item><see cref="RpcUnavailableException"/> (not sent: no connection) → 503 with <c>Retry-After</c> (the time to the
/// connection's next attempt, from the retry policy) and problem details naming the connection's state.</item>
/// <item><see cref="RpcConnectionLostException"/> (lost mid-call, not retried) → 502 with <c>mayHaveReachedServer</c>
/// and the advice to retry with the same Idempotency-Key.</item>
/// <item><see cref="RpcException"/> (the proxy's own answer) → 400 for the caller's bad input, else 502.</item>
/// </list>
/// </summary>
public sealed partial class RpcProblemExceptionHandler(IProblemDetailsService problems, TimeProvider time, ILogger<RpcProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var (status, problem) = exception switch
        {
            RpcUnavailableException e => (StatusCodes.Status503ServiceUnavailable, Unavailable(httpContext, e)),
            RpcConnectionLostException e => (StatusCodes.Status502BadGateway, Lost(httpContext, e)),
            RpcException e => NodeError(e),
            _ => (0, null),
        };
        if (problem is null)
        {
            return false;
        }

        LogAnswered(logger, status, exception.GetType().Name, problem.Title);
        httpContext.Response.StatusCode = status;
        problem.Status = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails Unavailable(HttpContext http, RpcUnavailableException e)
    {
        if (e.RetryAfter is { } retryAfter)
        {
            // Whole seconds (RFC 9110), rounded up so that a client coming back on time finds the attempt made; at
            // least 1, as 0 would invite an immediate retry storm.
            http.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        }

        var state = e.State;
        var problem = new ProblemDetails
        {
            Type = ProblemTypes.NodeUnavailable,
            Title = "The Corda node is unreachable",
            Detail = e.Reason == RpcUnavailableReason.Closed
                ? $"The request was not sent: the connection to the node is {state.Status} and will not reconnect by itself."
                : $"The request was not sent: the connection to the node is {state.Status}. Retry after the Retry-After delay.",
        };
        if (state.LastError is AuthenticationException)
        {
            // The proxy is up but the handshake fails: a certificate problem that waiting will not fix, so say so.
            problem.Detail += " The last connection attempt failed in the TLS handshake (a certificate or mutual TLS problem, see connectionReason): "
                + "check NodeRpc:Tls and the proxy's certificates.";
            problem.Extensions["tlsFailure"] = true;
        }

        AddState(problem, state);
        problem.Extensions["unavailableReason"] = e.Reason.ToString();
        problem.Extensions["requestSent"] = false;
        if (e.RetryAfter is { } after)
        {
            problem.Extensions["retryAfterSeconds"] = Math.Round(after.TotalSeconds, 3);
        }

        return problem;
    }

    private ProblemDetails Lost(HttpContext http, RpcConnectionLostException e)
    {
        var state = e.State;
        if (state.NextAttemptAt is { } next && state.Status is RpcConnectionStatus.Reconnecting)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds(next - time.GetUtcNow()).ToString(CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails
        {
            Type = ProblemTypes.ConnectionLost,
            Title = "The connection to the Corda node was lost during the request",
            Detail = e.MayHaveReachedServer
                ? $"The node may have received the request and may have run it. Send it again with the same {NodeRoutes.IdempotencyKeyHeader}: "
                    + "the node recognises the key and runs the flow at most once (a repeat returns the first result). Never send it with a new key."
                : "The request did not reach the node; sending it again is safe.",
        };
        AddState(problem, state);
        problem.Extensions["mayHaveReachedServer"] = e.MayHaveReachedServer;
        problem.Extensions["requestId"] = e.RequestId;
        problem.Extensions["lostEndpoint"] = e.Endpoint?.Name;
        problem.Extensions["attempts"] = e.Attempts;
        return problem;
    }

    private static (int, ProblemDetails?) NodeError(RpcException e)
    {
        var status = e.StatusCode switch
        {
            StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
            StatusCode.NotFound => StatusCodes.Status404NotFound,
            StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
            // Unauthenticated, PermissionDenied (the gateway's key), Internal, Unimplemented...: the gateway's problem, not the caller's.
            _ => StatusCodes.Status502BadGateway,
        };
        var problem = new ProblemDetails
        {
            Type = ProblemTypes.NodeError,
            Title = "The node's RPC proxy refused the request",
            Detail = status == StatusCodes.Status400BadRequest || status == StatusCodes.Status404NotFound ? e.Status.Detail : null,
        };
        problem.Extensions["grpcStatus"] = e.StatusCode.ToString();
        return (status, problem);
    }

    private static void AddState(ProblemDetails problem, RpcConnectionState state)
    {
        problem.Extensions["connectionState"] = state.Status.ToString();
        problem.Extensions["endpoint"] = state.Endpoint?.Name;
        problem.Extensions["attempt"] = state.Attempt;
        // The delay the retry policy chose before the next attempt; Retry-After is what is left of it.
        problem.Extensions["nextDelaySeconds"] = state.NextDelay?.TotalSeconds;
        problem.Extensions["nextAttemptAt"] = state.NextAttemptAt;
        problem.Extensions["disconnectedSince"] = state.DisconnectedSince;
        problem.Extensions["connectionReason"] = state.Reason;
    }

    /// <summary>The <c>Retry-After</c> value: whole seconds, rounded up, at least 1.</summary>
    /// <param name="delay">The time to the next attempt.</param>
    /// <returns>The seconds.</returns>
    public static long RetryAfterSeconds(TimeSpan delay) => Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds));

    [LoggerMessage(1001, LogLevel.Information, "Answered {Status} for {Exception}: {Title}")]
    private static partial void LogAnswered(ILogger logger, int status, string exception, string? title);
}

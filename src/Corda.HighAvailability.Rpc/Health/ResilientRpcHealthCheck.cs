using System.Globalization;
using Corda.HighAvailability.Rpc.State;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Rpc.Health;

/// <summary>
/// Reports a resilient RPC connection's state, read from memory (it never opens a connection): Healthy while
/// connected; Degraded while reconnecting after a loss (the gateway answers, calls fail fast or wait); the
/// registration's failure status before the first connection and once closed (the retry policy gave up, the
/// initial connection failed, or the application closed it). Use it for readiness, not liveness: reconnecting is the
/// connection doing its job.
/// </summary>
public sealed class ResilientRpcHealthCheck : IHealthCheck
{
    private readonly IResilientRpcConnection _connection;

    /// <summary>Creates the check.</summary>
    /// <param name="connection">The connection to report on.</param>
    public ResilientRpcHealthCheck(IResilientRpcConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Task.FromResult(Report(_connection.Name, _connection.State, context.Registration.FailureStatus));
    }

    internal static HealthCheckResult Report(string name, RpcConnectionState state, HealthStatus failureStatus)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["connection"] = name,
            ["state"] = state.Status.ToString(),
            ["attempt"] = state.Attempt,
        };
        if (state.Endpoint is { } endpoint)
        {
            data["endpoint"] = endpoint.Name;
        }

        Add(data, "connectedSince", state.ConnectedSince);
        Add(data, "disconnectedSince", state.DisconnectedSince);
        Add(data, "nextAttemptAt", state.NextAttemptAt);
        if (state.Reason is { } reason)
        {
            data["reason"] = reason;
        }

        var endpointName = state.Endpoint?.Name ?? "no endpoint";
        switch (state.Status)
        {
            case RpcConnectionStatus.Connected:
                return HealthCheckResult.Healthy($"RPC connection '{name}' is connected to {endpointName}.", data);
            case RpcConnectionStatus.Disconnected or RpcConnectionStatus.Reconnecting:
                // A failure status better than Degraded (a registration that must never fail) is kept.
                var degraded = failureStatus > HealthStatus.Degraded ? failureStatus : HealthStatus.Degraded;
                return new HealthCheckResult(
                    degraded,
                    string.Create(CultureInfo.InvariantCulture, $"RPC connection '{name}' is reconnecting: attempt {state.Attempt} on {endpointName}{Since(state.DisconnectedSince)}. Last error: {state.Reason}"),
                    data: data);
            case RpcConnectionStatus.Connecting:
                return new HealthCheckResult(
                    failureStatus,
                    string.Create(CultureInfo.InvariantCulture, $"RPC connection '{name}' has not connected yet: attempt {state.Attempt} on {endpointName}. {state.Reason}"),
                    data: data);
            case RpcConnectionStatus.Closed:
                return new HealthCheckResult(failureStatus, $"RPC connection '{name}' is closed: {state.Reason}", state.LastError, data);
            default:
                return new HealthCheckResult(failureStatus, $"RPC connection '{name}' has not been started.", data: data);
        }
    }

    private static void Add(Dictionary<string, object> data, string key, DateTimeOffset? instant)
    {
        if (instant is { } value)
        {
            data[key] = value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        }
    }

    private static string Since(DateTimeOffset? since) =>
        since is { } value ? $", disconnected since {value.ToUniversalTime().ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}" : string.Empty;
}

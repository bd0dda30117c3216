using System.Text.Json;
using Corda.HighAvailability.Rpc;
using Corda.Samples.RestGateway.Node;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.Samples.RestGateway.Http;

/// <summary>
/// <c>/health/live</c> (the process answers: always 200, never tied to the node, so that an orchestrator does not
/// restart a gateway for a node outage), <c>/health/ready</c> (the connection's health check: 200 when connected, 503
/// while reconnecting or before the first connection, so that a load balancer sends traffic to a gateway that has a
/// node) and <c>/status</c> (the connection's state, for people and dashboards).
/// </summary>
public static class StatusRoutes
{
    /// <summary>The tag of the checks readiness follows.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Maps the routes.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IEndpointRouteBuilder MapStatusRoutes(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(ReadyTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                // Reconnecting: the gateway works (it answers 503 quickly) but cannot serve; take it out of rotation.
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteReportAsync,
        });
        app.MapGet("/status", ([FromKeyedServices(NodeConnection.Name)] IResilientRpcConnection node) =>
        {
            var s = node.State;
            return Results.Ok(new
            {
                connection = node.Name,
                state = s.Status.ToString(),
                endpoint = s.Endpoint?.Name,
                attempt = s.Attempt,
                nextDelaySeconds = s.NextDelay?.TotalSeconds,
                s.NextAttemptAt,
                s.ConnectedSince,
                s.DisconnectedSince,
                s.HasConnected,
                reason = s.Reason,
            });
        });
        return app;
    }

    private static Task WriteReportAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        }, JsonSerializerOptions.Web, http.RequestAborted);
    }
}

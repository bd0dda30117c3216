using Grpc.Health.V1;
using Grpc.HealthCheck;

namespace Corda.Samples.StandInNodeProxy;

/// <summary>
/// The standard gRPC health service (<c>grpc.health.v1.Health</c>), which the gateway's connection watches: the
/// overall status ("") is SERVING from the start. A real proxy would report NOT_SERVING while its node is down (its
/// RPC connection to the node lost, the node draining); the stand-in does so on the stdin command
/// <c>health not-serving</c> (and back with <c>health serving</c>), answering with a <c>health ...</c> line.
/// </summary>
internal static class ProxyHealth
{
    public static HealthServiceImpl Create()
    {
        var health = new HealthServiceImpl();
        health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
        return health;
    }

    public static void Run(HealthServiceImpl health, string command)
    {
        var status = command.Trim() switch
        {
            "health serving" => HealthCheckResponse.Types.ServingStatus.Serving,
            "health not-serving" => HealthCheckResponse.Types.ServingStatus.NotServing,
            _ => (HealthCheckResponse.Types.ServingStatus?)null,
        };
        if (status is { } s)
        {
            health.SetStatus(string.Empty, s);
            Console.WriteLine($"health {s}");
        }
    }
}

using Grpc.Core;
using Grpc.Health.V1;
using HealthClient = Grpc.Health.V1.Health.HealthClient;
using Grpc.Net.Client;

namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>
/// <c>--warm-up</c>: before the ready line, the server answers itself once on each path a client's reconnection uses
/// (the health service's Check and Watch, and a unary call), over its own cleartext listener. A freshly started
/// process spends a few hundred milliseconds compiling Kestrel's HTTP/2 and gRPC paths on its first request; with the
/// warm-up, the ready line means "answers at speed", as a readiness probe would, so that a reconnection figure measured
/// from it is the client's time, not the server's warm-up. The tests do not use it (they need no figures).
/// </summary>
public static class WarmUp
{
    public static bool IsRequested(string[] args) => args.Contains("--warm-up");

    public static async Task RunAsync(int port)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var health = new HealthClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        await health.CheckAsync(new HealthCheckRequest(), deadline: deadline);
        using (var watch = health.Watch(new HealthCheckRequest(), deadline: deadline))
        {
            await watch.ResponseStream.MoveNext(CancellationToken.None);
        }

        await channel.CreateCallInvoker().AsyncUnaryCall(NodeMethods.Echo, null, new CallOptions(deadline: deadline), "warm-up");
    }
}

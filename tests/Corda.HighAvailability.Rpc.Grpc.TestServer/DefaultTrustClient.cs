using Corda.HighAvailability.Rpc.Grpc;
using Corda.HighAvailability.Rpc.Transport;
using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>
/// Client mode, <c>--default-trust-client URL</c>: connects with the gRPC transport's default options (no TLS setting:
/// the operating system's trust store), calls Echo, prints the answer and exits 0, or prints why and exits 1. A test
/// runs it as its own process so that it can give it a system trust store of its own (<c>SSL_CERT_FILE</c>) without
/// touching the machine's.
/// </summary>
public static class DefaultTrustClient
{
    private const string Option = "--default-trust-client";

    public static bool IsRequested(string[] args) => Array.IndexOf(args, Option) >= 0;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var address = new Uri(args[Array.IndexOf(args, Option) + 1]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var transport = new GrpcRpcTransport<CallInvoker>(static invoker => invoker);
            await using var connection = await transport.ConnectAsync(new RpcEndpoint("server", address), timeout.Token);
            Console.WriteLine(await connection.Client.AsyncUnaryCall(NodeMethods.Echo, null, new CallOptions(cancellationToken: timeout.Token), "default-trust"));
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine($"failed: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }
}

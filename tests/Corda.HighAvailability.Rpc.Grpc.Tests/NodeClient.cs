using Corda.HighAvailability.Rpc.Grpc.TestServer;
using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>A hand-written gRPC client of the test service, as a generated client would be.</summary>
public sealed partial class NodeClient(CallInvoker invoker)
{
    public async Task<string> EchoAsync(string text, CancellationToken cancellationToken = default) =>
        await invoker.AsyncUnaryCall(NodeMethods.Echo, null, new CallOptions(cancellationToken: cancellationToken), text);

    public async Task<string> ExecuteAsync(string requestId, int holdMilliseconds, CancellationToken cancellationToken = default) =>
        await invoker.AsyncUnaryCall(NodeMethods.Execute, null, new CallOptions(cancellationToken: cancellationToken), $"{requestId}|{holdMilliseconds}");
}

using System.Text;
using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>The test service's methods, shared by the server and the tests' client: UTF-8 string messages.</summary>
public static class NodeMethods
{
    public const string ServiceName = "corda.test.Node";

    private static readonly Marshaller<string> Utf8 = Marshallers.Create(Encoding.UTF8.GetBytes, Encoding.UTF8.GetString);

    /// <summary>Idempotent: answers <c>name:argument</c>.</summary>
    public static Method<string, string> Echo { get; } = new(MethodType.Unary, ServiceName, "Echo", Utf8, Utf8);

    /// <summary>Not idempotent: <c>requestId|holdMilliseconds</c>; records the request id in the ledger, then holds before answering.</summary>
    public static Method<string, string> Execute { get; } = new(MethodType.Unary, ServiceName, "Execute", Utf8, Utf8);
}

using System.Text;
using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>The test node's event feed, shared by the server and the tests' client: UTF-8 string messages.</summary>
public static class LedgerEventMethods
{
    public const string ServiceName = "corda.test.LedgerEvents";

    private static readonly Marshaller<string> Utf8 = Marshallers.Create(Encoding.UTF8.GetBytes, Encoding.UTF8.GetString);

    /// <summary>
    /// Server streaming: request <c>fromSequence|intervalMilliseconds</c>; streams <c>name:sequence</c> for every
    /// sequence number from <c>fromSequence</c> on, one per interval, as a node's vault or state-machine feed would.
    /// </summary>
    public static Method<string, string> Subscribe { get; } = new(MethodType.ServerStreaming, ServiceName, "Subscribe", Utf8, Utf8);
}

using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>The event feed's base, as protoc would generate it (see <see cref="NodeServiceBase"/>).</summary>
[BindServiceMethod(typeof(LedgerEventServiceBase), nameof(BindService))]
public abstract class LedgerEventServiceBase
{
    public static void BindService(ServiceBinderBase binder, LedgerEventServiceBase? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(LedgerEventMethods.Subscribe, service is null ? null : service.Subscribe);
    }

    public virtual Task Subscribe(string request, IServerStreamWriter<string> responseStream, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "Subscribe"));
}

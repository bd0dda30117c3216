using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>
/// The service's base, as protoc would generate it: ASP.NET Core binds each method to the override of the virtual
/// method of the same name declared here.
/// </summary>
[BindServiceMethod(typeof(NodeServiceBase), nameof(BindService))]
public abstract class NodeServiceBase
{
    public static void BindService(ServiceBinderBase binder, NodeServiceBase? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(NodeMethods.Echo, service is null ? null : service.Echo);
        binder.AddMethod(NodeMethods.Execute, service is null ? null : service.Execute);
    }

    public virtual Task<string> Echo(string request, ServerCallContext context) => throw new RpcException(new Status(StatusCode.Unimplemented, "Echo"));

    public virtual Task<string> Execute(string request, ServerCallContext context) => throw new RpcException(new Status(StatusCode.Unimplemented, "Execute"));
}

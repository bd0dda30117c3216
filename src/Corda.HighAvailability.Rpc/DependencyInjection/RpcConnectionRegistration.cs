namespace Corda.HighAvailability.Rpc;

/// <summary>One <c>AddResilientRpc</c> call: the name, the client type and how to build the connection.</summary>
internal sealed record RpcConnectionRegistration(string Name, Type ClientType, Func<IServiceProvider, IResilientRpcConnection> Create);

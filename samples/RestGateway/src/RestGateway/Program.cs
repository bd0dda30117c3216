// A REST gateway in front of a Corda node, over Corda.HighAvailability's resilient RPC connection (gRPC transport).
// What it shows: while the node is unreachable, requests get 503 + Retry-After (from the reconnect policy) and
// problem details naming the connection's state; readiness follows the connection; it serves again as soon as the
// connection is back; a flow start needs an Idempotency-Key, which becomes the node's flow client id, so that no
// retry (the library's or the caller's) ever runs a flow twice. TLS and mutual TLS to the proxies come from
// configuration (NodeRpc:Tls), and each connection watches the proxy's standard gRPC health service.
using Corda.HighAvailability.Rpc;
using Corda.HighAvailability.Rpc.Grpc;
using Corda.Samples.NodeProxy.V1;
using Corda.Samples.RestGateway;
using Corda.Samples.RestGateway.Http;
using Corda.Samples.RestGateway.Node;
using Corda.Samples.RestGateway.Testing;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOptions<NodeRpcSettings>().BindConfiguration(NodeRpcSettings.Section).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<NodeRpcSettings>, NodeRpcSettingsValidator>();

// The client is created per physical connection; the API key (a secret) is added to each call's headers there.
var apiKey = builder.Configuration[$"{NodeRpcSettings.Section}:ApiKey"];
builder.Services.AddCordaHa(ha => ha.AddGrpcResilientRpc(
    NodeConnection.Name,
    invoker => new NodeProxy.NodeProxyClient(string.IsNullOrEmpty(apiKey) ? invoker : invoker.Intercept(headers =>
    {
        headers.Add("authorization", $"Bearer {apiKey}");
        return headers;
    })),
    // Endpoints and policies come from configuration (below), validated when the host starts.
    configure: static _ => { }));
builder.Services.AddOptions<ResilientRpcOptions>(NodeConnection.Name)
    .Configure<IOptions<NodeRpcSettings>>(static (options, settings) => settings.Value.ApplyTo(options));
// TLS (NodeRpc:Tls): the transport's named options. The health watch keeps its default (WhenAvailable): the proxy's
// standard gRPC health service is watched on each connection, so a killed proxy is noticed at once and a proxy that
// reports NOT_SERVING is left for the next endpoint.
builder.Services.AddOptions<GrpcRpcTransportOptions>(NodeConnection.Name)
    .Configure<IOptions<NodeRpcSettings>, ILoggerFactory>(static (transport, settings, logs) =>
        NodeTls.ApplyTo(transport, settings.Value.Tls, logs.CreateLogger("Corda.Samples.RestGateway.Tls")));

builder.Services.AddHealthChecks().AddCordaRpcConnection(NodeConnection.Name, tags: [StatusRoutes.ReadyTag]);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<RpcProblemExceptionHandler>();
if (builder.Configuration.GetValue<bool>("Gateway:ExitWhenStdinEnds"))
{
    builder.Services.AddHostedService<StdinWatch>();
}

var app = builder.Build();
GatewayLog.Starting(app.Logger, app.Services.GetRequiredService<IOptions<NodeRpcSettings>>().Value.ToString());
app.UseExceptionHandler();
app.MapStatusRoutes();
app.MapNodeRoutes();
app.Run();

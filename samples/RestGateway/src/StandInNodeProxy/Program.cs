// A stand-in for the JVM-side RPC proxy that a .NET gateway calls in front of a Corda node. It serves the sample's
// contract (../../proto/node_proxy.proto) over gRPC on HTTP/2 cleartext, on loopback only.
using Corda.Samples.StandInNodeProxy;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var settings = ProxySettings.Parse(args);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(settings.Port, o => o.Protocols = HttpProtocols.Http2));
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(new FlowLedger(settings.Ledger));
builder.Services.AddGrpc(o =>
{
    if (Environment.GetEnvironmentVariable(ProxySettings.ApiKeyVariable) is { Length: > 0 } key)
    {
        o.Interceptors.Add<ApiKeyInterceptor>(key);
    }
});
var app = builder.Build();
app.MapGrpcService<NodeProxyService>();
await app.StartAsync();

// Whoever started this process waits for this line before connecting.
Console.WriteLine("ready");

// The starter holds this process's stdin: when the starter dies (even killed), stdin ends and so does this process.
_ = Task.Run(async () =>
{
    while (await Console.In.ReadLineAsync() is not null)
    {
    }

    app.Lifetime.StopApplication();
});
await app.WaitForShutdownAsync();

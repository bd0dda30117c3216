// A stand-in for the JVM-side RPC proxy that a .NET gateway calls in front of a Corda node. It serves the sample's
// contract (../../proto/node_proxy.proto) and the standard gRPC health service over HTTP/2 on loopback only:
// cleartext, or TLS (--tls-cert/--tls-key) requiring client certificates of a CA (--client-ca).
using Corda.Samples.StandInNodeProxy;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var settings = ProxySettings.Parse(args);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseKestrelHttpsConfiguration();
builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(settings.Port, o =>
{
    o.Protocols = HttpProtocols.Http2;
    if (settings.Tls is { } tls)
    {
        o.UseTls(tls);
    }
}));
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(new FlowLedger(settings.Ledger));
builder.Services.AddSingleton(ProxyHealth.Create());
builder.Services.AddGrpc(o =>
{
    if (Environment.GetEnvironmentVariable(ProxySettings.ApiKeyVariable) is { Length: > 0 } key)
    {
        o.Interceptors.Add<ApiKeyInterceptor>(key);
    }
});
var app = builder.Build();
app.MapGrpcService<NodeProxyService>();
app.MapGrpcService<HealthServiceImpl>();
await app.StartAsync();

// Whoever started this process waits for this line before connecting.
Console.WriteLine("ready");

// The starter holds this process's stdin: commands come that way (ProxyHealth), and when the starter dies (even
// killed), stdin ends and so does this process.
var health = app.Services.GetRequiredService<HealthServiceImpl>();
_ = Task.Run(async () =>
{
    while (await Console.In.ReadLineAsync() is { } command)
    {
        ProxyHealth.Run(health, command);
    }

    app.Lifetime.StopApplication();
});
await app.WaitForShutdownAsync();

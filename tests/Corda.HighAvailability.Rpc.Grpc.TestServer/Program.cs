using Corda.HighAvailability.Rpc.Grpc.TestServer;
using Microsoft.AspNetCore.Server.Kestrel.Core;

if (DefaultTrustClient.IsRequested(args))
{
    Environment.Exit(await DefaultTrustClient.RunAsync(args));
}

var settings = ServerSettings.Parse(args);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(settings.Port, o =>
{
    o.Protocols = HttpProtocols.Http2;
    ServerTls.Apply(o, args);
}));
builder.Services.AddSingleton(settings);
builder.Services.AddGrpc();
builder.Services.AddTestHealth(args);
var app = builder.Build();
app.MapGrpcService<NodeService>();
app.MapGrpcService<LedgerEventService>();
app.MapTestHealth();
await app.StartAsync();
if (WarmUp.IsRequested(args))
{
    await WarmUp.RunAsync(settings.Port);
}

// The tests wait for this line before connecting.
Console.WriteLine("listening");

// The test process holds this server's stdin: when it dies (even killed), stdin ends and so does this server.
_ = Task.Run(async () =>
{
    while (await Console.In.ReadLineAsync() is { } command)
    {
        TestHealth.Run(app.Services, command);
    }

    app.Lifetime.StopApplication();
});
await app.WaitForShutdownAsync();

using Grpc.Health.V1;
using Grpc.HealthCheck;

namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>
/// The standard gRPC health service (<c>grpc.health.v1.Health</c>), overall status "" SERVING at start, unless the
/// server runs with <c>--no-health</c> (a server without the service). A test flips the status by writing
/// <c>health NOT_SERVING</c> (or <c>health SERVING</c>, <c>health SERVICE_UNKNOWN</c>) to the server's stdin, and ends
/// every open watch as a proxy would with <c>cut-watches</c> (see <see cref="CuttableHealthService"/>).
/// </summary>
public static class TestHealth
{
    public static IServiceCollection AddTestHealth(this IServiceCollection services, string[] args)
    {
        if (!args.Contains("--no-health"))
        {
            var health = new HealthServiceImpl();
            health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
            services.AddSingleton(health);
        }

        return services;
    }

    public static WebApplication MapTestHealth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<HealthServiceImpl>() is not null)
        {
            app.MapGrpcService<CuttableHealthService>();
        }

        return app;
    }

    /// <summary>Runs one stdin command; unknown lines are ignored.</summary>
    public static void Run(IServiceProvider services, string command)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(command);
        var parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts is ["cut-watches"])
        {
            CuttableHealthService.CutAll();
            return;
        }

        if (parts is ["health", var status] && services.GetService<HealthServiceImpl>() is { } health)
        {
            switch (status)
            {
                case "SERVING":
                    health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
                    break;
                case "NOT_SERVING":
                    health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.NotServing);
                    break;
                case "SERVICE_UNKNOWN":
                    health.ClearStatus(string.Empty);
                    break;
            }

            Console.WriteLine($"health {status}");
        }
    }
}

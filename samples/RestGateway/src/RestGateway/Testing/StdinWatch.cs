namespace Corda.Samples.RestGateway.Testing;

/// <summary>
/// Tests only (<c>Gateway:ExitWhenStdinEnds</c>): stops the gateway when its standard input ends, which happens when
/// the test process that started it dies, even by SIGKILL; so a killed test run never leaves a gateway behind. Drop
/// it when copying the sample: a service manager gives a service no standard input at all.
/// </summary>
internal sealed class StdinWatch(IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Console.In's reads do not observe the token; the read ends with the input or the process.
        using var input = Console.OpenStandardInput();
        var buffer = new byte[256];
        while (!stoppingToken.IsCancellationRequested && await input.ReadAsync(buffer, stoppingToken) > 0)
        {
        }

        lifetime.StopApplication();
    }
}

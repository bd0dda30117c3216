using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Rpc;

/// <summary>
/// Connects the registered connections whose <see cref="ResilientRpcOptions.ConnectOnStart"/> is set when the host
/// starts, and closes every connection when it stops. Without <see cref="ResilientRpcOptions.RetryInitialConnection"/>
/// the host's start waits for the first connection and fails with the reason if there is none.
/// </summary>
internal sealed class ResilientRpcHostedService(
    ResilientRpcConnectionFactory factory,
    IEnumerable<RpcConnectionRegistration> registrations,
    IOptionsMonitor<ResilientRpcOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var waits = new List<Task>();
        foreach (var registration in registrations)
        {
            var settings = options.Get(registration.Name);
            if (!settings.ConnectOnStart)
            {
                continue;
            }

            var connection = factory.Get(registration.Name);
            if (settings.RetryInitialConnection)
            {
                connection.Start();
            }
            else
            {
                waits.Add(connection.ConnectAsync(cancellationToken));
            }
        }

        await Task.WhenAll(waits).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => factory.CloseAllAsync().WaitAsync(cancellationToken);
}

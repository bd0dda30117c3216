using System.Globalization;
using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>The test node: echoes, and executes requests into a ledger file that survives a SIGKILL.</summary>
public sealed class NodeService(ServerSettings settings) : NodeServiceBase
{
    public override Task<string> Echo(string request, ServerCallContext context) => Task.FromResult($"{settings.Name}:{request}");

    public override async Task<string> Execute(string request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var parts = request.Split('|');
        if (!RequestLedger.TryExecute(settings.Ledger, settings.Name, parts[0]))
        {
            // Already executed under this request id: answered, not run again (Corda's flow client id).
            return $"{settings.Name}:deduplicated:{parts[0]}";
        }

        if (parts.Length > 1 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var hold) && hold > 0)
        {
            await Task.Delay(hold, context.CancellationToken);
        }

        return $"{settings.Name}:executed:{parts[0]}";
    }
}

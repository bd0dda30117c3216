using System.Globalization;
using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>The test node: echoes, and executes requests into a ledger file that survives a SIGKILL.</summary>
public sealed class NodeService(ServerSettings settings) : NodeServiceBase
{
    private static readonly Lock LedgerLock = new();

    public override Task<string> Echo(string request, ServerCallContext context) => Task.FromResult($"{settings.Name}:{request}");

    public override async Task<string> Execute(string request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var parts = request.Split('|');
        lock (LedgerLock)
        {
            // Written and flushed before anything else: the ledger outlives a SIGKILL.
            File.AppendAllText(settings.Ledger, $"{settings.Name} {parts[0]}\n");
        }

        if (parts.Length > 1 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var hold) && hold > 0)
        {
            await Task.Delay(hold, context.CancellationToken);
        }

        return $"{settings.Name}:executed:{parts[0]}";
    }
}

using System.Globalization;
using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>
/// The event feed: numbered events from the sequence the subscriber asks for, so that a client resuming after a
/// reconnection can ask for the first one it has not seen. Bounded: at most 100 000 events per subscription.
/// </summary>
public sealed class LedgerEventService(ServerSettings settings) : LedgerEventServiceBase
{
    private const int MaxEvents = 100_000;

    public override async Task Subscribe(string request, IServerStreamWriter<string> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var parts = request.Split('|');
        var from = long.Parse(parts[0], CultureInfo.InvariantCulture);
        var interval = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 10;
        for (var sequence = from; sequence < from + MaxEvents && !context.CancellationToken.IsCancellationRequested; sequence++)
        {
            await responseStream.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{settings.Name}:{sequence}"), context.CancellationToken);
            await Task.Delay(interval, context.CancellationToken);
        }
    }
}

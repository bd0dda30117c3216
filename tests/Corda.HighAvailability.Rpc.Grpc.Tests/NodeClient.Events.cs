using System.Globalization;
using System.Runtime.CompilerServices;
using Corda.HighAvailability.Rpc.Grpc.TestServer;
using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>The event feed of the test service: a server stream, read as an async stream.</summary>
public sealed partial class NodeClient
{
    /// <summary>Events <c>fromSequence</c>, <c>fromSequence + 1</c>, ..., one per <paramref name="intervalMilliseconds"/>, as (server name, sequence).</summary>
    public async IAsyncEnumerable<(string Server, long Sequence)> SubscribeEventsAsync(long fromSequence, int intervalMilliseconds, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var call = invoker.AsyncServerStreamingCall(
            LedgerEventMethods.Subscribe, null, new CallOptions(cancellationToken: cancellationToken), string.Create(CultureInfo.InvariantCulture, $"{fromSequence}|{intervalMilliseconds}"));
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            var item = call.ResponseStream.Current;
            var colon = item.LastIndexOf(':');
            yield return (item[..colon], long.Parse(item[(colon + 1)..], CultureInfo.InvariantCulture));
        }
    }
}

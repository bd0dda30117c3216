using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc;

public sealed partial class ResilientRpcConnection<TClient>
{
    /// <summary>
    /// One physical connection while it is the current one. A call that finds it dead reports the loss here, so that
    /// reconnection starts at once even when the transport has not noticed yet.
    /// </summary>
    private sealed class Live
    {
        private readonly TaskCompletionSource<Exception?> _reported = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _markedLost = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _lost;

        public Live(IRpcTransportConnection<TClient> connection, RpcEndpoint endpoint, long generation)
        {
            Connection = connection;
            Client = connection.Client;
            Endpoint = endpoint;
            Generation = generation;
        }

        public IRpcTransportConnection<TClient> Connection { get; }

        public TClient Client { get; }

        public RpcEndpoint Endpoint { get; }

        public long Generation { get; }

        public bool IsLost => _lost;

        public void ReportLost(Exception error) => _reported.TrySetResult(error);

        /// <summary>Completes once the supervising loop has taken the loss in hand (a new signal is armed).</summary>
        public Task MarkedLost => _markedLost.Task;

        public void MarkLost()
        {
            _lost = true;
            _markedLost.TrySetResult();
        }

        /// <summary>Waits until the transport says the connection died, or a call or hook reported it lost.</summary>
        public async Task<Exception?> WaitForLossAsync(CancellationToken stop)
        {
            var closed = Connection.Closed ?? Task.FromResult<Exception?>(new InvalidOperationException("The transport connection has no Closed task."));
            var first = await Task.WhenAny(closed, _reported.Task).WaitAsync(stop).ConfigureAwait(false);
            try
            {
                return await first.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Closed must not fault; if it does, its exception is the reason.
                return e;
            }
        }
    }
}

using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Corda.HighAvailability.Rpc.State;

/// <summary>
/// Hands every event to each async-stream reader through the reader's own bounded channel. A full channel drops its
/// oldest event, never the newest: a slow reader loses history, not the current state, and never blocks the
/// connection that publishes.
/// </summary>
internal sealed class EventBroadcaster
{
    private readonly object _gate = new();
    private readonly int _capacity;
    private Channel<RpcConnectionEvent>[] _readers = [];
    private bool _completed;

    public EventBroadcaster(int capacity) => _capacity = capacity;

    public void Publish(RpcConnectionEvent item)
    {
        // A copy-on-write array: publishing takes no lock.
        foreach (var reader in Volatile.Read(ref _readers))
        {
            reader.Writer.TryWrite(item);
        }
    }

    /// <summary>Ends every stream after what was published (the connection closed for good).</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            foreach (var reader in _readers)
            {
                reader.Writer.TryComplete();
            }

            _readers = [];
        }
    }

    public async IAsyncEnumerable<RpcConnectionEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<RpcConnectionEvent>(new BoundedChannelOptions(_capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });
        bool completed;
        lock (_gate)
        {
            completed = _completed;
            if (!completed)
            {
                _readers = [.. _readers, channel];
            }
        }

        if (completed)
        {
            yield break;
        }

        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _readers = Array.FindAll(_readers, r => r != channel);
            }
        }
    }
}

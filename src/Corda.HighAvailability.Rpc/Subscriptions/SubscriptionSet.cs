namespace Corda.HighAvailability.Rpc.Subscriptions;

/// <summary>
/// The subscription hooks of one connection. Each hook remembers the connection generation it last ran on, so that a
/// hook added while a reconnection runs the hooks is not run twice on the same connection.
/// </summary>
internal sealed class SubscriptionSet<TClient>
{
    private readonly object _gate = new();
    private Entry[] _entries = [];

    public Entry Add(Func<TClient, RpcResubscribeContext, CancellationToken, Task> subscribe)
    {
        var entry = new Entry(this, subscribe);
        lock (_gate)
        {
            _entries = [.. _entries, entry];
        }

        return entry;
    }

    public Entry[] Snapshot() => Volatile.Read(ref _entries);

    private void Remove(Entry entry)
    {
        lock (_gate)
        {
            _entries = Array.FindAll(_entries, e => e != entry);
        }
    }

    internal sealed class Entry(SubscriptionSet<TClient> owner, Func<TClient, RpcResubscribeContext, CancellationToken, Task> subscribe) : IDisposable
    {
        private long _generation;

        public Func<TClient, RpcResubscribeContext, CancellationToken, Task> Subscribe { get; } = subscribe;

        /// <summary>Claims the run on connection <paramref name="generation"/>; false when it already ran there (or a later one).</summary>
        public bool Claim(long generation)
        {
            while (true)
            {
                var seen = Interlocked.Read(ref _generation);
                if (seen >= generation)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _generation, generation, seen) == seen)
                {
                    return true;
                }
            }
        }

        public void Dispose() => owner.Remove(this);
    }
}

namespace Corda.HighAvailability.Rpc;

/// <summary>
/// The named resilient connections registered with <c>AddResilientRpc</c>. Each is created on first use and
/// shared; they are closed when the host stops. Connections are also registered as keyed services
/// (<c>[FromKeyedServices("name")] ResilientRpcConnection&lt;TClient&gt;</c>).
/// </summary>
public interface IResilientRpcConnectionFactory
{
    /// <summary>The registered connection names.</summary>
    IReadOnlyCollection<string> Names { get; }

    /// <summary>The connection registered under <paramref name="name"/> for <typeparamref name="TClient"/>.</summary>
    /// <typeparam name="TClient">The client type it was registered with.</typeparam>
    /// <param name="name">The registration name.</param>
    /// <returns>The connection.</returns>
    /// <exception cref="InvalidOperationException">No connection of that name and client type is registered.</exception>
    ResilientRpcConnection<TClient> Get<TClient>(string name);

    /// <summary>The connection registered under <paramref name="name"/>, whatever its client type.</summary>
    /// <param name="name">The registration name.</param>
    /// <returns>The connection.</returns>
    /// <exception cref="InvalidOperationException">No connection of that name is registered.</exception>
    IResilientRpcConnection Get(string name);
}

using System.Collections.Concurrent;

namespace Corda.HighAvailability.Rpc;

/// <summary>Creates each registered connection once, on first use, and closes them all when disposed.</summary>
internal sealed class ResilientRpcConnectionFactory : IResilientRpcConnectionFactory, IAsyncDisposable, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly Dictionary<string, RpcConnectionRegistration> _registrations;
    private readonly ConcurrentDictionary<string, Lazy<IResilientRpcConnection>> _connections = new(StringComparer.Ordinal);

    public ResilientRpcConnectionFactory(IServiceProvider services, IEnumerable<RpcConnectionRegistration> registrations)
    {
        _services = services;
        _registrations = registrations.ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Names => _registrations.Keys;

    public ResilientRpcConnection<TClient> Get<TClient>(string name)
    {
        var registration = Registration(name);
        if (registration.ClientType != typeof(TClient))
        {
            throw new InvalidOperationException(
                $"RPC connection '{name}' is registered for client type {registration.ClientType.FullName}, not {typeof(TClient).FullName}.");
        }

        return (ResilientRpcConnection<TClient>)Get(name);
    }

    public IResilientRpcConnection Get(string name)
    {
        var registration = Registration(name);
        return _connections.GetOrAdd(name, _ => new Lazy<IResilientRpcConnection>(() => registration.Create(_services))).Value;
    }

    /// <summary>Closes every connection created so far.</summary>
    public async Task CloseAllAsync()
    {
        var created = _connections.Values.Where(l => l.IsValueCreated).Select(l => l.Value.CloseAsync());
        await Task.WhenAll(created).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await CloseAllAsync().ConfigureAwait(false);

    /// <summary>For a container disposed synchronously: closing only cancels loops and disposes transports, without a sync context.</summary>
    public void Dispose() => CloseAllAsync().GetAwaiter().GetResult();

    private RpcConnectionRegistration Registration(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _registrations.TryGetValue(name, out var registration)
            ? registration
            : throw new InvalidOperationException(
                $"No RPC connection named '{name}' is registered; registered: {(_registrations.Count == 0 ? "none" : string.Join(", ", _registrations.Keys))}. Use AddCordaHa(ha => ha.AddResilientRpc<TClient>(\"{name}\", ...)).");
    }
}

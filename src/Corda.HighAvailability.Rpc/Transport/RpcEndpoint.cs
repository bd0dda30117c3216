namespace Corda.HighAvailability.Rpc.Transport;

/// <summary>
/// One address the logical connection may use: a node, its hot standby, or one member of a pool. The name is what
/// logs, metrics, health data and endpoint selectors (for example <see cref="Endpoints.LeaderEndpointSelector"/>)
/// refer to; the address is what the transport connects to. Credentials never belong in the address (they would be
/// logged): give them to the transport.
/// </summary>
public sealed class RpcEndpoint
{
    /// <summary>Creates an empty endpoint, for configuration binding; set <see cref="Name"/> and <see cref="Address"/>.</summary>
    public RpcEndpoint()
    {
    }

    /// <summary>Creates an endpoint.</summary>
    /// <param name="name">A short unique name, for example <c>node-a</c>, or the lease holder id of the host that serves it.</param>
    /// <param name="address">The absolute address the transport connects to, for example <c>http://node-a:10003</c>.</param>
    public RpcEndpoint(string name, Uri address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(address);
        Name = name;
        Address = address;
    }

    /// <summary>A short unique name of the endpoint. Required.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The absolute address the transport connects to, without credentials. Required.</summary>
    public Uri? Address { get; init; }

    /// <summary>The name and the address, for logs.</summary>
    /// <returns>For example <c>node-a (http://node-a:10003/)</c>.</returns>
    public override string ToString() => $"{Name} ({Address})";
}

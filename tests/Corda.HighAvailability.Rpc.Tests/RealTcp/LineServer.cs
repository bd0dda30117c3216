using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Corda.HighAvailability.Rpc.Tests.RealTcp;

/// <summary>
/// What the servers executed, kept outside any one server process lifetime, as a node's database is: the record by
/// which the tests prove that no non-idempotent request ran twice, and the flow table behind client-id de-duplication
/// (a standby taking over finds the flows the old active started, as Corda's flow client ids are persisted).
/// </summary>
public sealed class ServerLedger
{
    public ConcurrentQueue<(string Server, string RequestId, string Command)> Executed { get; } = new();

    public ConcurrentDictionary<string, string> Flows { get; } = new(StringComparer.Ordinal);

    public int Count(string requestId) => Executed.Count(e => e.RequestId == requestId);
}

/// <summary>
/// A tiny line-protocol RPC server on a real loopback TCP port. Requests are <c>id requestId COMMAND arg</c>, replies
/// <c>id OK result</c> or <c>id ERR message</c>. <see cref="Kill"/> tears everything down as a crashed process
/// would (listener closed, every connection reset with RST, held replies never sent); <see cref="Start"/> listens
/// again on the same port.
/// </summary>
public sealed class LineServer : IDisposable
{
    private readonly object _gate = new();
    private readonly List<Socket> _clients = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private int _counter;

    public LineServer(string name, ServerLedger ledger)
    {
        Name = name;
        Ledger = ledger;
    }

    public string Name { get; }

    public ServerLedger Ledger { get; }

    public int Port { get; private set; }

    public Uri Address => new($"tcp://127.0.0.1:{Port}");

    public void Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var stop = new CancellationTokenSource();
        lock (_gate)
        {
            _listener = listener;
            _stop = stop;
        }

        _ = AcceptAsync(listener, stop.Token);
    }

    /// <summary>Stops as a killed process does: the port stops listening and every open connection is reset.</summary>
    public void Kill()
    {
        Socket[] clients;
        lock (_gate)
        {
            _stop?.Cancel();
            _listener?.Stop();
            _listener = null;
            clients = [.. _clients];
            _clients.Clear();
        }

        foreach (var client in clients)
        {
            try
            {
                client.LingerState = new LingerOption(true, 0);
                client.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose() => Kill();

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stop);
            }
            catch (Exception) when (stop.IsCancellationRequested || listener.Server is null)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            socket.NoDelay = true;
            lock (_gate)
            {
                if (stop.IsCancellationRequested)
                {
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                    return;
                }

                _clients.Add(socket);
            }

            _ = ServeAsync(socket, stop);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stop)
    {
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                var parts = line.Split(' ', 4);
                if (parts.Length < 3)
                {
                    continue;
                }

                var reply = Execute(parts[1], parts[2], parts.Length > 3 ? parts[3] : string.Empty);
                if (reply is not null)
                {
                    await writer.WriteLineAsync($"{parts[0]} {reply}".AsMemory(), stop);
                }
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Runs one command; null means the reply is held (the server "crashes" before answering).</summary>
    private string? Execute(string requestId, string command, string argument)
    {
        switch (command)
        {
            case "PING":
                return "OK pong";
            case "ECHO":
                Ledger.Executed.Enqueue((Name, requestId, command));
                return $"OK {Name}:{argument}";
            case "INC":
                Ledger.Executed.Enqueue((Name, requestId, command));
                return "OK " + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);
            case "HOLD":
                Ledger.Executed.Enqueue((Name, requestId, command));
                return null;
            case "START_FLOW":
                // De-duplicated by the client's request id, as a Corda flow started with a client id is.
                if (Ledger.Flows.TryGetValue(requestId, out var existing))
                {
                    return $"OK existing:{existing}";
                }

                Ledger.Executed.Enqueue((Name, requestId, command));
                Ledger.Flows[requestId] = $"{Name}-flow";
                return argument == "hold" ? null : $"OK started:{Name}-flow";
            default:
                return $"ERR unknown command {command}";
        }
    }
}

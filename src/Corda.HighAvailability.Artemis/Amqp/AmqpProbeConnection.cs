using Amqp;
using Amqp.Framing;
using Amqp.Sasl;

namespace Corda.HighAvailability.Artemis.Amqp;

/// <summary>
/// The probe's one AMQP connection with its session and, for a round trip, a sender and a receiver link on the round
/// trip address; kept open between probes. Not thread-safe: the health check serialises its use. Any failure makes the
/// caller drop the whole connection (<see cref="Abort"/>), so no half-used link or pending receive is ever reused.
/// </summary>
internal sealed class AmqpProbeConnection
{
    private const int ReceiverCredit = 10;

    private readonly Connection _connection;
    private readonly Session _session;
    private readonly SocketCapture _socket;
    private SenderLink? _sender;
    private ReceiverLink? _receiver;

    private AmqpProbeConnection(Connection connection, Session session, SocketCapture socket)
    {
        _connection = connection;
        _session = session;
        _socket = socket;
    }

    /// <summary>True once the broker or the network closed the connection, its session or a link.</summary>
    public bool IsBroken => _connection.IsClosed || _session.IsClosed || _sender?.IsClosed == true || _receiver?.IsClosed == true;

    /// <summary>Why the connection is broken, as the broker said it (an AMQP error condition), when it said.</summary>
    public Error? BrokenBecause => _connection.Error ?? _session.Error ?? _sender?.Error ?? _receiver?.Error;

    public static ConnectionFactory Factory(AmqpEndpoint endpoint, AmqpProbeOptions options, string containerId)
    {
        var factory = new ConnectionFactory();
        factory.AMQP.ContainerId = containerId;
        factory.TCP.NoDelay = true;
        if (endpoint.UserName is null)
        {
            factory.SASL.Profile = SaslProfile.Anonymous;
        }

        if (endpoint.UsesTls)
        {
            factory.SSL.Protocols = options.TlsProtocols;
            if (options.AllowUntrustedCertificate)
            {
                factory.SSL.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            }
        }

        return factory;
    }

    /// <summary>
    /// Opens the connection and its session. On failure or cancellation nothing stays open: a connection that completes
    /// after the caller gave up is closed as soon as it does.
    /// </summary>
    public static async Task<AmqpProbeConnection> OpenAsync(ConnectionFactory factory, AmqpEndpoint endpoint, CancellationToken cancellationToken)
    {
        var address = new Address(endpoint.Host, endpoint.Port, endpoint.UserName, endpoint.Password, "/", endpoint.UsesTls ? "AMQPS" : "AMQP");
        var socket = new SocketCapture();
        var opening = factory.CreateAsync(address, cancellationToken, socket);
        Connection connection;
        try
        {
            connection = await opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Never leak the connection of a probe that failed or gave up: abort the socket of an open that is still
            // waiting (or that failed without closing it), and close the connection should the open complete all the same.
            socket.Abort();
            if (e is not OperationCanceledException)
            {
                throw;
            }

            _ = opening.ContinueWith(
                static t => t.Result.Close(TimeSpan.Zero, null),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion,
                TaskScheduler.Default);
            throw;
        }

        return new AmqpProbeConnection(connection, new Session(connection), socket);
    }

    /// <summary>Attaches a sender and a receiver link on the round trip address, waiting for the broker to confirm both.</summary>
    public async Task AttachAsync(string roundTripAddress, CancellationToken cancellationToken)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var senderAttached = new Attaching(isSender: true);
        _sender = new SenderLink(_session, "corda-ha-probe-sender-" + suffix, new Target { Address = roundTripAddress }, senderAttached.OnAttached);
        _sender.AddClosedCallback(senderAttached.OnClosed);
        var receiverAttached = new Attaching(isSender: false);
        _receiver = new ReceiverLink(_session, "corda-ha-probe-receiver-" + suffix, new Source { Address = roundTripAddress }, receiverAttached.OnAttached);
        _receiver.AddClosedCallback(receiverAttached.OnClosed);
        await senderAttached.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await receiverAttached.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        _receiver.SetCredit(ReceiverCredit);
    }

    /// <summary>Begins and ends a session: a round trip to the broker that touches no address.</summary>
    public Task PingAsync(CancellationToken cancellationToken) => PingAsync(_connection, cancellationToken);

    /// <summary>
    /// Sends a message to the round trip address and receives it back. Messages of earlier probes that gave up are
    /// accepted and skipped (they also expire after <paramref name="timeToLive"/>). Returns how many were skipped.
    /// </summary>
    public async Task<int> RoundTripAsync(TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        var sender = _sender ?? throw new InvalidOperationException("No round trip address.");
        var receiver = _receiver!;
        var id = Guid.NewGuid().ToString("N");
        var message = new Message("corda-ha probe")
        {
            Header = new Header { Durable = false, Ttl = (uint)Math.Clamp(timeToLive.TotalMilliseconds, 1, uint.MaxValue) },
            Properties = new Properties { MessageId = id },
        };

        // Unsettled: this completes when the broker has accepted (routed) the message, and throws when it refused it.
        await sender.SendAsync(message).WaitAsync(cancellationToken).ConfigureAwait(false);
        var skipped = 0;
        while (true)
        {
            // The cancellation bounds the wait; the receive's own timeout only keeps the link from waiting forever.
            var received = await receiver.ReceiveAsync(timeToLive).WaitAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new TimeoutException("The probe message did not come back.");
            receiver.Accept(received);
            if (string.Equals(received.Properties?.MessageId as string, id, StringComparison.Ordinal))
            {
                return skipped;
            }

            skipped++;
        }
    }

    /// <summary>Closes the connection (and with it the session and links), waiting up to <paramref name="wait"/> for the broker's reply.</summary>
    public async Task CloseAsync(TimeSpan wait)
    {
        try
        {
            await _connection.CloseAsync(wait, null).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmqpException or TimeoutException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            // Closing a connection the broker already dropped, or a broker that did not answer in time.
        }
        finally
        {
            // AMQPNetLite keeps the socket until the broker answers the close; a hung broker never does.
            _socket.Abort();
        }
    }

    /// <summary>
    /// Drops the connection without waiting for the broker (it may be gone or hung): sends the close, then closes the
    /// socket, which AMQPNetLite would otherwise keep until the broker answered.
    /// </summary>
    public void Abort()
    {
        try
        {
            _connection.Close(TimeSpan.Zero, null);
        }
        catch (Exception e) when (e is AmqpException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            // Already closed.
        }
        finally
        {
            _socket.Abort();
        }
    }

    private static async Task PingAsync(Connection connection, CancellationToken cancellationToken)
    {
        var begun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var session = new Session(connection, new Begin { IncomingWindow = 64, OutgoingWindow = 64, HandleMax = 4, NextOutgoingId = 0 }, (_, _) => begun.TrySetResult());
        session.AddClosedCallback((_, error) => begun.TrySetException(new AmqpException(error ?? new Error(ErrorCode.InternalError) { Description = "The session ended before it began." })));
        await begun.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await session.CloseAsync(TimeSpan.FromSeconds(30), null).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes when the broker confirms a link, fails when it refuses it (an attach without our terminus, then a detach with the error).</summary>
    private sealed class Attaching(bool isSender)
    {
        private readonly TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => _attached.Task;

        public void OnAttached(ILink link, Attach attach)
        {
            if ((isSender ? attach.Target : attach.Source) is not null)
            {
                _attached.TrySetResult();
            }
        }

        public void OnClosed(IAmqpObject sender, Error? error) =>
            _attached.TrySetException(new AmqpException(error ?? new Error(ErrorCode.InternalError) { Description = "The link was detached while attaching." }));
    }
}

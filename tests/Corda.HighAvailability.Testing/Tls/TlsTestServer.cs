using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Corda.HighAvailability.Testing;

/// <summary>
/// A real TLS server on loopback: SslStream over a TcpListener, presenting <c>certificate</c>, and when
/// <c>clientCa</c> is given requiring a client certificate issued by it (as Corda's P2P acceptor does).
/// It holds each connection until the client closes it.
/// </summary>
public sealed class TlsTestServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2? _clientCa;
    private readonly SslProtocols _protocols;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _handshakes;
    private int _clientCertificates;

    public TlsTestServer(X509Certificate2 certificate, X509Certificate2? clientCa = null, SslProtocols protocols = SslProtocols.None)
    {
        _certificate = certificate;
        _clientCa = clientCa;
        _protocols = protocols;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Handshakes => Volatile.Read(ref _handshakes);

    public int ClientCertificates => Volatile.Read(ref _clientCertificates);

    /// <summary>Waits (up to 5 s) until the server side of <paramref name="count"/> handshakes has finished too.</summary>
    public async Task<bool> HandshakesReachAsync(int count)
    {
        for (var i = 0; i < 100 && Handshakes < count; i++)
        {
            await Task.Delay(50);
        }

        return Handshakes >= count;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        using var stream = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = _certificate,
                ClientCertificateRequired = _clientCa is not null,
                EnabledSslProtocols = _protocols,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => _clientCa is null || IssuedByClientCa(certificate),
            }, _stop.Token);
            Interlocked.Increment(ref _handshakes);
            if (stream.IsMutuallyAuthenticated)
            {
                Interlocked.Increment(ref _clientCertificates);
            }

            var buffer = new byte[256];
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            idle.CancelAfter(TimeSpan.FromSeconds(30));
            while (await stream.ReadAsync(buffer, idle.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Refused handshakes are part of the tests.
        }
    }

    private bool IssuedByClientCa(X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_clientCa!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}

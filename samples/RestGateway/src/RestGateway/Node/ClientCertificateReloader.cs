using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Corda.Samples.RestGateway.Node;

/// <summary>
/// The client certificate of each new TLS connection, read again from its files when they have changed since the last
/// read (their write times and sizes are compared: a stat per connection, which is cheap, as connections are made only
/// at start and after a loss). A pair that fails to load (a rotation half done, the key not the certificate's) keeps
/// the previous certificate, with a warning, and is tried again at the next connection.
/// </summary>
internal sealed partial class ClientCertificateReloader
{
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private FileStamp _stamp;
    private SslStreamCertificateContext _context;

    public ClientCertificateReloader(string certificatePath, string keyPath, X509Certificate2 initial, ILogger logger)
    {
        _certificatePath = certificatePath;
        _keyPath = keyPath;
        _logger = logger;
        _stamp = FileStamp.Of(certificatePath, keyPath);
        _context = ContextOf(initial);
    }

    /// <summary>For <c>GrpcRpcTransportOptions.ConfigureSsl</c>: runs once per connection attempt.</summary>
    /// <param name="ssl">The connection's TLS options.</param>
    public void Apply(SslClientAuthenticationOptions ssl)
    {
        lock (_lock)
        {
            var stamp = FileStamp.Of(_certificatePath, _keyPath);
            if (stamp != _stamp)
            {
                try
                {
                    var certificate = TlsFiles.LoadClientCertificate(NodeTls.ClientCertificateFile, _certificatePath, NodeTls.ClientKeyFile, _keyPath);
                    _context = ContextOf(certificate);
                    _stamp = stamp;
                    LogReloaded(_logger, _certificatePath, certificate.Subject, certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256));
                }
                catch (TlsFileException e)
                {
                    LogReloadFailed(_logger, e.Message);
                }
            }

            ssl.ClientCertificateContext = _context;
        }
    }

    // A context rather than a certificate: it is sent whatever CA names the server lists (as the transport does).
    private static SslStreamCertificateContext ContextOf(X509Certificate2 certificate) =>
        SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);

    [LoggerMessage(1010, LogLevel.Information, "Client certificate reloaded from {Path}: {Subject}, SHA-256 {Thumbprint}; used from this connection on")]
    private static partial void LogReloaded(ILogger logger, string path, string subject, string thumbprint);

    [LoggerMessage(1011, LogLevel.Warning, "Client certificate files changed but cannot be used; the previous certificate is kept: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason);

    private readonly record struct FileStamp(DateTime CertificateWritten, long CertificateLength, DateTime KeyWritten, long KeyLength)
    {
        public static FileStamp Of(string certificatePath, string keyPath)
        {
            var certificate = new FileInfo(certificatePath);
            var key = new FileInfo(keyPath);
            return new FileStamp(
                certificate.Exists ? certificate.LastWriteTimeUtc : default,
                certificate.Exists ? certificate.Length : -1,
                key.Exists ? key.LastWriteTimeUtc : default,
                key.Exists ? key.Length : -1);
        }
    }
}

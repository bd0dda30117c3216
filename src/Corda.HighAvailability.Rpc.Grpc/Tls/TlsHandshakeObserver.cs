using System.Globalization;
using System.Net.Http;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Corda.HighAvailability.Rpc.Grpc.Tls;

/// <summary>
/// Watches one connection's TLS handshake from inside the certificate validation callback, so that a failed handshake
/// can be explained (name mismatch, untrusted, expired, refused client) instead of surfacing as a bare
/// "the SSL connection could not be established".
/// </summary>
internal sealed class TlsHandshakeObserver(string targetHost, GrpcRpcTransportOptions options)
{
    private const X509ChainStatusFlags TimeFlags = X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested;
    private const X509ChainStatusFlags TrustFlags = X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain;

    private volatile Verdict? _verdict;

    public bool Judge(RemoteCertificateValidationCallback? decide, object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var accepted = decide is null ? errors == SslPolicyErrors.None : decide(sender, certificate, chain, errors);
        var leaf = certificate is null ? null : certificate as X509Certificate2;
        var flags = X509ChainStatusFlags.NoError;
        var statuses = new List<string>();
        foreach (var status in chain?.ChainStatus ?? [])
        {
            flags |= status.Status;
            statuses.Add(status.Status.ToString());
        }

        _verdict = new Verdict(
            accepted,
            decide is not null,
            errors,
            flags,
            string.Join(", ", statuses.Distinct(StringComparer.Ordinal)),
            leaf?.Subject,
            leaf?.Issuer,
            leaf is null ? null : new DateTimeOffset(leaf.NotBefore.ToUniversalTime()),
            leaf is null ? null : new DateTimeOffset(leaf.NotAfter.ToUniversalTime()),
            leaf?.GetNameInfo(X509NameType.DnsName, forIssuer: false));
        return accepted;
    }

    /// <summary>
    /// The exception for a connect attempt whose first exchange failed with <paramref name="failure"/>: an
    /// <see cref="AuthenticationException"/> saying what went wrong when TLS is to blame, else <see langword="null"/>.
    /// </summary>
    public AuthenticationException? Explain(string endpoint, Exception failure)
    {
        var verdict = _verdict;
        var tlsError = FindTlsError(failure);
        string why;
        if (verdict is { Accepted: false })
        {
            why = Rejected(verdict);
        }
        else if (verdict is { Accepted: true } && (tlsError is not null || IsRefusedRightAfterHandshake(failure)))
        {
            // With TLS 1.3 the server judges the client's certificate after the client has finished its handshake: a
            // refusal then arrives as an alert (or a closed connection) on the first read.
            why = options.ClientCertificate is null && options.ConfigureSsl is null
                ? "the server's certificate was accepted, but the server refused the connection: it probably requires a client certificate (mutual TLS), and none is configured (GrpcRpcTransportOptions.ClientCertificate)"
                : "the server's certificate was accepted, but the server refused the connection: it probably did not accept the client certificate" + ClientCertificateName();
        }
        else if (tlsError is not null)
        {
            why = "the handshake failed before the server's certificate could be checked";
        }
        else
        {
            return null;
        }

        var detail = Innermost(failure);
        return new AuthenticationException(string.Create(CultureInfo.InvariantCulture, $"TLS handshake with {endpoint} failed: {why}. ({detail})"), failure);
    }

    private string Rejected(Verdict v)
    {
        var subject = v.Subject is null ? "the server's certificate" : $"the server's certificate ({v.Subject})";
        if (v.ByCallback)
        {
            return $"{subject} was rejected by GrpcRpcTransportOptions.ServerCertificateValidation (or the callback set in ConfigureSsl); the platform's own errors: {v.Errors}";
        }

        var reasons = new List<string>();
        if (v.Errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            reasons.Add("the server sent no certificate");
        }

        if (v.Errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reasons.Add($"name mismatch: {subject} is for {v.DnsName ?? "another name"}, not '{targetHost}'");
        }

        if (v.Errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            if ((v.ChainFlags & TimeFlags) != 0)
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{subject} is expired or not yet valid (valid {v.NotBefore:u} to {v.NotAfter:u})"));
            }

            if ((v.ChainFlags & TrustFlags) != 0)
            {
                var anchors = options.TrustedCertificateAuthorities.Count > 0
                    ? "a certificate authority of GrpcRpcTransportOptions.TrustedCertificateAuthorities"
                    : "a root of the system trust store (set GrpcRpcTransportOptions.TrustedCertificateAuthorities for a private CA)";
                reasons.Add($"{subject} is not trusted: issued by {v.Issuer}, it does not chain to {anchors}");
            }

            if ((v.ChainFlags & ~(TimeFlags | TrustFlags)) != 0 || reasons.Count == 0)
            {
                reasons.Add($"the certificate chain is invalid ({v.ChainStatus})");
            }
        }

        return reasons.Count == 0 ? $"{subject} was rejected" : string.Join("; ", reasons);
    }

    private string ClientCertificateName() =>
        options.ClientCertificate is { } c ? $" ({GrpcRpcTransportOptionsValidator.Describe(c)})" : string.Empty;

    private static Exception? FindTlsError(Exception failure)
    {
        for (var e = failure; e is not null; e = Next(e))
        {
            if (e is AuthenticationException or HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError })
            {
                return e;
            }
        }

        return null;
    }

    // The connection was made, the handshake passed on this side, and the server closed it before answering anything:
    // what a TLS 1.3 server that refuses the client's certificate looks like from here.
    private static bool IsRefusedRightAfterHandshake(Exception failure)
    {
        for (var e = failure; e is not null; e = Next(e))
        {
            if (e is IOException or HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded or HttpRequestError.Unknown })
            {
                return true;
            }
        }

        return false;
    }

    private static Exception? Next(Exception e) => e is global::Grpc.Core.RpcException rpc ? rpc.Status.DebugException : e.InnerException;

    private static string Innermost(Exception failure)
    {
        var last = failure;
        for (var e = failure; e is not null; e = Next(e))
        {
            last = e;
        }

        return $"{last.GetType().Name}: {last.Message}";
    }

    private sealed record Verdict(
        bool Accepted,
        bool ByCallback,
        SslPolicyErrors Errors,
        X509ChainStatusFlags ChainFlags,
        string ChainStatus,
        string? Subject,
        string? Issuer,
        DateTimeOffset? NotBefore,
        DateTimeOffset? NotAfter,
        string? DnsName);
}

using System.Globalization;
using Corda.HighAvailability.Artemis.Amqp;
using Corda.HighAvailability.Artemis.Jolokia;
using Corda.HighAvailability.Probes.JournalStorage;
using Corda.HighAvailability.Probes.Tcp;
using Corda.HighAvailability.Probes.Tls;
using Corda.HighAvailability.Rpc.Grpc.Health;
using Corda.HighAvailability.Tool.Cli;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>
/// Builds one check per target of the command line, with the same health check classes a host registers, so the
/// tool reports exactly what a host's health endpoint would.
/// </summary>
internal static class ProbeTargetFactory
{
    /// <exception cref="ToolException">A check refused its options (exit code 3), naming what is wrong.</exception>
    public static async Task<List<ProbeTarget>> CreateAsync(ProbeRequest request, ProbeRedactor redactor, TimeProvider time)
    {
        var targets = new List<ProbeTarget>();
        try
        {
            AddAll(targets, request, redactor, time);
            return targets;
        }
        catch
        {
            foreach (var target in targets)
            {
                await target.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private static void AddAll(List<ProbeTarget> targets, ProbeRequest request, ProbeRedactor redactor, TimeProvider time)
    {
        foreach (var endpoint in request.Tcp)
        {
            Add(targets, redactor, $"tcp:{endpoint}", request.Timeout, () => new TcpProbeHealthCheck(
                new TcpProbeOptions { Host = endpoint.Host, Port = endpoint.Port, Timeout = request.Timeout }, time));
        }

        foreach (var endpoint in request.Tls)
        {
            Add(targets, redactor, $"tls:{endpoint}", request.Timeout, () => new TlsProbeHealthCheck(Tls(request, endpoint), time));
        }

        foreach (var directory in request.Storage)
        {
            var path = Path.GetFullPath(directory);
            Add(targets, redactor, $"storage:{path}", request.Timeout, () => new JournalStorageProbeHealthCheck(
                new JournalStorageProbeOptions
                {
                    DirectoryPath = path,
                    Timeout = request.Timeout,
                    MinimumFreeBytes = request.StorageMinFreeBytes,
                    LatencyBudget = request.StorageLatencyBudget,
                },
                time));
        }

        foreach (var url in request.Amqp)
        {
            var (address, user, password) = Credentials(url, request, "--amqp", redactor);
            var port = url.Port > 0 ? url.Port : url.Scheme.Equals("amqps", StringComparison.OrdinalIgnoreCase) ? 5671 : 5672;
            var name = string.Create(CultureInfo.InvariantCulture, $"{url.Scheme.ToLowerInvariant()}:{Host(url)}:{port}");
            Add(targets, redactor, name, request.Timeout, () => new AmqpProbeHealthCheck(
                new AmqpProbeOptions
                {
                    Address = address,
                    UserName = user,
                    Password = password,
                    RoundTripAddress = request.AmqpRoundTripAddress,
                    Timeout = request.Timeout,
                    AllowUntrustedCertificate = request.AllowUntrusted,
                },
                time));
        }

        foreach (var url in request.Jolokia)
        {
            var (endpoint, user, password) = Credentials(url, request, "--jolokia", redactor);
            var name = string.Create(CultureInfo.InvariantCulture, $"jolokia:{Host(url)}:{url.Port}");
            Add(targets, redactor, name, request.Timeout, () =>
            {
                var options = new JolokiaProbeOptions
                {
                    Endpoint = new Uri(endpoint),
                    UserName = user,
                    Password = password,
                    BrokerName = request.BrokerName,
                    ExpectBackup = request.ExpectBackup,
                    ExpectReplication = request.ExpectReplication,
                    Origin = request.Origin,
                    TrustedCaBundlePath = request.CaBundlePath,
                    Timeout = request.Timeout,
                };
                foreach (var (prefix, threshold) in request.QueueThresholds)
                {
                    options.QueueThresholds[prefix] = threshold;
                }

                return new JolokiaProbeHealthCheck(options, time);
            });
        }

        AddGrpc(targets, request, redactor, time);
    }

    private static void AddGrpc(List<ProbeTarget> targets, ProbeRequest request, ProbeRedactor redactor, TimeProvider time)
    {
        foreach (var url in request.Grpc)
        {
            if (url.UserInfo.Length > 0)
            {
                redactor.Add(url.UserInfo);
                throw new ToolException(ProbeExitCodes.Usage, redactor.Redact($"--grpc {url}: gRPC addresses carry no user information (user:password@); remove it."));
            }

            var https = url.Scheme.Equals(Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
            var name = string.Create(CultureInfo.InvariantCulture, $"grpc:{url.Scheme.ToLowerInvariant()}://{Host(url)}:{url.Port}");
            if (request.GrpcService.Length > 0)
            {
                name += "/" + request.GrpcService;
            }

            Add(targets, redactor, name, request.Timeout, () =>
            {
                var options = new GrpcHealthProbeOptions { Address = url, Service = request.GrpcService, Timeout = request.Timeout };
                if (https)
                {
                    // The same files as --tls; for gRPC the bundle replaces the system store, as the transport's
                    // TrustedCertificateAuthorities does (a private CA is what an RPC proxy of a node has).
                    GrpcCertificateFiles.Apply(options, request, name);
                }

                return new GrpcHealthProbeHealthCheck(options, time);
            });
        }
    }

    private static void Add(List<ProbeTarget> list, ProbeRedactor redactor, string name, TimeSpan timeout, Func<IHealthCheck> create)
    {
        name = redactor.Redact(name);
        IHealthCheck check;
        try
        {
            check = create();
        }
        catch (OptionsValidationException e)
        {
            throw new ToolException(ProbeExitCodes.Usage, redactor.Redact($"{name}: {string.Join(" ", e.Failures)}"), e);
        }

        // Two equal targets stay two checks, told apart by their names.
        var unique = name;
        for (var n = 2; list.Exists(t => t.Name == unique); n++)
        {
            unique = string.Create(CultureInfo.InvariantCulture, $"{name}#{n}");
        }

        list.Add(new ProbeTarget(unique, check, timeout));
    }

    /// <summary>
    /// The URL without its user information, and the credentials: the URL's own, else --user; the URL's password, else
    /// the one from --password-env. The URL's password joins the secrets that are never printed.
    /// </summary>
    private static (string Url, string? User, string? Password) Credentials(Uri url, ProbeRequest request, string option, ProbeRedactor redactor)
    {
        string? user = null;
        string? password = null;
        if (url.UserInfo.Length > 0)
        {
            var colon = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? url.UserInfo : url.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(url.UserInfo[(colon + 1)..]);
            redactor.Add(password);
        }

        user ??= request.User;
        password ??= request.Password;
        if (password is not null && string.IsNullOrEmpty(user))
        {
            throw new ToolException(ProbeExitCodes.Usage, redactor.Redact($"{option} {url}: --password-env needs a user: --user NAME, or user@ in the URL."));
        }

        var bare = url.GetComponents(UriComponents.HttpRequestUrl | UriComponents.Fragment, UriFormat.UriEscaped);
        return (bare, string.IsNullOrEmpty(user) ? null : user, password);
    }

    private static string Host(Uri url) => url.HostNameType == UriHostNameType.IPv6 ? $"[{url.IdnHost}]" : url.IdnHost;

    private static TlsProbeOptions Tls(ProbeRequest request, HostPort endpoint) => new()
    {
        Host = endpoint.Host,
        Port = endpoint.Port,
        TargetHost = request.ServerName,
        Timeout = request.Timeout,
        ExpiryWarning = request.ExpiryWarning,
        AllowUntrusted = request.AllowUntrusted,
        ClientCertificatePath = request.ClientCertificatePath,
        ClientCertificateKeyPath = request.ClientKeyPath,
        ClientCertificatePassword = request.ClientCertificatePassword,
        TrustedCaBundlePath = request.CaBundlePath,
    };
}

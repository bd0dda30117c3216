using Corda.HighAvailability.Probes.JournalStorage;
using Corda.HighAvailability.Probes.Tcp;
using Corda.HighAvailability.Probes.Tls;
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
    public static List<ProbeTarget> Create(ProbeRequest request, ProbeRedactor redactor, TimeProvider time)
    {
        var targets = new List<ProbeTarget>();
        try
        {
            foreach (var endpoint in request.Tcp)
            {
                Add(targets, $"tcp:{endpoint}", request.Timeout, () => new TcpProbeHealthCheck(
                    new TcpProbeOptions { Host = endpoint.Host, Port = endpoint.Port, Timeout = request.Timeout }, time));
            }

            foreach (var endpoint in request.Tls)
            {
                Add(targets, $"tls:{endpoint}", request.Timeout, () => new TlsProbeHealthCheck(Tls(request, endpoint), time));
            }

            foreach (var directory in request.Storage)
            {
                var path = Path.GetFullPath(directory);
                Add(targets, $"storage:{path}", request.Timeout, () => new JournalStorageProbeHealthCheck(
                    new JournalStorageProbeOptions
                    {
                        DirectoryPath = path,
                        Timeout = request.Timeout,
                        MinimumFreeBytes = request.StorageMinFreeBytes,
                        LatencyBudget = request.StorageLatencyBudget,
                    },
                    time));
            }

            return targets;
        }
        catch
        {
            targets.ForEach(t => t.Dispose());
            throw;
        }

        void Add(List<ProbeTarget> list, string name, TimeSpan timeout, Func<IHealthCheck> create)
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
                unique = $"{name}#{n}";
            }

            list.Add(new ProbeTarget(unique, check, timeout));
        }
    }

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

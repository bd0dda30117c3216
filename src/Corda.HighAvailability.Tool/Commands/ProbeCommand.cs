using System.CommandLine;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Probe;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary>
/// <c>corda-ha probe</c>: run the health probes a host registers (TCP, TLS, journal storage, AMQP, Jolokia, gRPC health) once or in rounds, from a
/// shell or a monitoring script. The exit code is the health: 0 Healthy, 1 Degraded, 2 Unhealthy, 3 usage error.
/// </summary>
internal static class ProbeCommand
{
    public const string Name = "probe";

    public static Command Create()
    {
        var options = new ProbeCommandOptions();
        var command = new Command(
            Name,
            "Probe a Corda node's endpoints and storage with the library's health checks (TCP connect, TLS handshake with certificate "
            + "trust and expiry, journal storage, AMQP 1.0, Artemis over Jolokia, the gRPC health service of an RPC proxy). Prints a table (text) or one JSON document per round (json). Exit codes: 0 Healthy; "
            + "1 Degraded; 2 Unhealthy (the worst check of the worst round); 3 usage error; 130 interrupted.");
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        command.Validators.Add(options.Validate);
        command.SetAction((parse, cancellationToken) =>
        {
            var redactor = new ProbeRedactor();
            var passwordVariable = parse.GetValue(options.ClientCertificatePasswordEnv);
            var password = passwordVariable is null ? null : Environment.GetEnvironmentVariable(passwordVariable);
            redactor.Add(password);
            var sharedVariable = parse.GetValue(options.PasswordEnv);
            var sharedPassword = sharedVariable is null ? null : Environment.GetEnvironmentVariable(sharedVariable);
            redactor.Add(sharedPassword);
            var request = new ProbeRequest
            {
                Tcp = parse.GetValue(options.Tcp) ?? [],
                Tls = parse.GetValue(options.Tls) ?? [],
                ClientCertificatePath = parse.GetValue(options.ClientCertificate)?.FullName,
                ClientKeyPath = parse.GetValue(options.ClientKey)?.FullName,
                ClientCertificatePassword = password,
                CaBundlePath = parse.GetValue(options.CaBundle)?.FullName,
                ServerName = parse.GetValue(options.ServerName),
                ExpiryWarning = parse.GetValue(options.ExpiryWarning),
                AllowUntrusted = parse.GetValue(options.AllowUntrusted),
                Storage = parse.GetValue(options.Storage) ?? [],
                StorageMinFreeBytes = parse.GetValue(options.StorageMinFree),
                StorageLatencyBudget = parse.GetValue(options.StorageLatencyBudget),
                Amqp = parse.GetValue(options.Amqp) ?? [],
                AmqpRoundTripAddress = parse.GetValue(options.AmqpRoundTrip),
                Jolokia = parse.GetValue(options.Jolokia) ?? [],
                QueueThresholds = (parse.GetValue(options.Queue) ?? []).GroupBy(pair => pair.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal),
                BrokerName = parse.GetValue(options.BrokerName),
                ExpectBackup = parse.GetValue(options.ExpectBackup),
                ExpectReplication = parse.GetValue(options.ExpectReplication),
                Origin = parse.GetValue(options.Origin),
                User = parse.GetValue(options.User),
                Password = sharedPassword,
                Grpc = parse.GetValue(options.Grpc) ?? [],
                GrpcService = parse.GetValue(options.GrpcService) ?? string.Empty,
                Timeout = parse.GetValue(options.Timeout),
                Repeat = parse.GetValue(options.Repeat),
                Interval = parse.GetValue(options.Interval),
                Format = parse.GetValue(options.Format),
            };
            return CommandRunner.RunAsync(() => RunAsync(request, redactor, cancellationToken));
        });
        return command;
    }

    /// <summary>
    /// Whether a command line that failed to parse was meant for <c>probe</c>: its usage errors have exit code 3,
    /// because 2 already means Unhealthy to the scripts that read its exit code.
    /// </summary>
    public static bool Owns(ParseResult parse) => parse.CommandResult.Command.Name == Name;

    /// <summary>One line on stderr, URL passwords masked (a mistyped --amqp URL may hold one), and exit code 3.</summary>
    public static int UsageError(string problems) =>
        CommandRunner.Fail(ProbeExitCodes.Usage, ProbeRedactor.RedactUrls($"{problems} See 'corda-ha probe --help'."));

    private static async Task<int> RunAsync(ProbeRequest request, ProbeRedactor redactor, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var targets = await ProbeTargetFactory.CreateAsync(request, redactor, time).ConfigureAwait(false);
        try
        {
            return await ProbeSession.RunAsync(request, targets, redactor, time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var target in targets)
            {
                await target.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

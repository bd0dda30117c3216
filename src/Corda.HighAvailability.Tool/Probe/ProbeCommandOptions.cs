using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>
/// The options of <c>corda-ha probe</c>. Every value is checked while the command line is parsed, so a bad one is a
/// usage error (exit code 3) naming the option before anything is probed.
/// </summary>
internal sealed class ProbeCommandOptions
{
    /// <summary>The longest --timeout: the probes' own limit (a health check that waits longer is of no use).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    public Option<HostPort[]> Tcp { get; } = Endpoints("--tcp", "TCP connect probe of host:port (a node's P2P or RPC port, a broker). Repeatable.");

    public Option<HostPort[]> Tls { get; } = Endpoints("--tls", "TLS handshake probe of host:port: certificate trust, name and expiry. Repeatable.");

    public Option<FileInfo?> ClientCertificate { get; } = new("--client-cert")
    {
        Description = "Client certificate for mutual TLS on every --tls and https --grpc: PKCS#12 (PFX) or PEM (key in the same file or --client-key).",
        HelpName = "file",
    };

    public Option<FileInfo?> ClientKey { get; } = new("--client-key")
    {
        Description = "PEM private key of a PEM --client-cert, when not in the same file.",
        HelpName = "file",
    };

    public Option<string?> ClientCertificatePasswordEnv { get; } = EnvironmentVariable(
        "--client-cert-password-env", "Name of the environment variable holding the password of --client-cert (PFX) or --client-key. Never printed.");

    public Option<FileInfo?> CaBundle { get; } = new("--ca-bundle")
    {
        Description = "PEM file of CA certificates trusted besides the system store, e.g. the Corda network root; for --tls and https --jolokia. "
            + "For https --grpc, the only CAs trusted (instead of the system store).",
        HelpName = "file",
    };

    public Option<string?> ServerName { get; } = new("--tls-server-name")
    {
        Description = "Name sent as SNI that the server certificates must be valid for. Default: each --tls host.",
        HelpName = "name",
    };

    public Option<TimeSpan> ExpiryWarning { get; } = new("--expiry-warning")
    {
        Description = "Degraded when a certificate expires within this (e.g. 30d, 72h; 0 reports only expired ones).",
        DefaultValueFactory = _ => Corda.HighAvailability.Probes.Tls.TlsProbeOptions.DefaultExpiryWarning,
        HelpName = "duration",
        CustomParser = ParseExpiryWarning,
    };

    public Option<bool> AllowUntrusted { get; } = new("--allow-untrusted")
    {
        Description = "Accept an untrusted certificate or one for another name, reporting why (labs only). Expired still fails.",
    };

    public Option<string[]> Storage { get; } = Directories();

    public Option<long> StorageMinFree { get; } = new("--storage-min-free")
    {
        Description = "Degraded when a --storage file system has less free space (e.g. 1GiB, 500MiB; 0 turns it off).",
        DefaultValueFactory = _ => Corda.HighAvailability.Probes.JournalStorage.JournalStorageProbeOptions.DefaultMinimumFreeBytes,
        HelpName = "size",
        CustomParser = result =>
        {
            var text = Last(result);
            if (SizeParser.TryParse(text, out var bytes))
            {
                return bytes;
            }

            result.AddError($"--storage-min-free: '{text}' is not a size; use e.g. 0, 1048576, 512MiB or 1GiB.");
            return default;
        },
    };

    public Option<TimeSpan> StorageLatencyBudget { get; } = Duration(
        "--storage-latency-budget",
        "Degraded while the 99th percentile of the durable 1 MiB writes to a --storage directory exceeds this.",
        Corda.HighAvailability.Probes.JournalStorage.JournalStorageProbeOptions.DefaultLatencyBudget,
        MaxTimeout);

    public Option<Uri[]> Amqp { get; } = Urls(
        "--amqp",
        "AMQP 1.0 probe of a broker: amqp://[user[:password]@]host[:port] or amqps://... One connection per URL, kept across rounds. Repeatable.",
        "amqp://[user@]host[:port]",
        ["amqp", "amqps"]);

    public Option<string?> AmqpRoundTrip { get; } = new("--amqp-round-trip")
    {
        Description = "Address each --amqp probe sends a message to and receives it back from, measuring the round trip (used by the probe only).",
        HelpName = "address",
    };

    public Option<Uri[]> Jolokia { get; } = Urls(
        "--jolokia",
        "Jolokia probe of an Artemis broker: http(s)://host:port/console/jolokia (standalone broker) or a node's agent. Repeatable.",
        "url",
        ["http", "https"]);

    public Option<KeyValuePair<string, long>[]> Queue { get; } = QueueThresholds();

    public Option<Uri[]> Grpc { get; } = Urls(
        "--grpc",
        "gRPC health probe (grpc.health.v1.Health/Check) of a server, e.g. a node's RPC proxy: http://host:port or https://host:port. "
        + "Healthy only when it reports SERVING. One connection per URL, kept across rounds. Repeatable.",
        "url",
        ["http", "https"]);

    public Option<string?> GrpcService { get; } = new("--grpc-service")
    {
        Description = "The service name each --grpc probe asks about. Default: the empty name, the server's overall health.",
        HelpName = "name",
    };

    public Option<string?> BrokerName { get; } = new("--broker-name")
    {
        Description = "The broker's name for --jolokia (P2P or RPC on a Corda node, which has both). Default: the only one there is.",
        HelpName = "name",
    };

    public Option<bool> ExpectBackup { get; } = new("--expect-backup")
    {
        Description = "--jolokia probes the standby of a primary/backup pair: a passive backup is Healthy, a live one Degraded.",
    };

    public Option<bool> ExpectReplication { get; } = new("--expect-replication")
    {
        Description = "--jolokia probes a replicated primary/backup pair: a replica out of sync (ReplicaSync=false) is Degraded.",
    };

    public Option<string?> Origin { get; } = new("--origin")
    {
        Description = "Origin header of --jolokia requests (default: the URL's scheme, host and port). Artemis allows only *://localhost* "
            + "unless its jolokia-access.xml says otherwise: for a remote broker, e.g. http://localhost.",
        HelpName = "origin",
    };

    public Option<string?> User { get; } = new("--user")
    {
        Description = "User for --jolokia (HTTP basic) and for --amqp URLs that name none (SASL PLAIN).",
        HelpName = "name",
    };

    public Option<string?> PasswordEnv { get; } = EnvironmentVariable(
        "--password-env", "Name of the environment variable holding the password of --user, or of the user of an --amqp URL without a password. Never printed.");

    public Option<TimeSpan> Timeout { get; } = Duration("--timeout", "Time each check may take (e.g. 5s, 1500ms).", TimeSpan.FromSeconds(5), MaxTimeout);

    public Option<int> Repeat { get; } = CommonOptions.Count(
        "--repeat", "Rounds to run, reusing the same checks (and their connections); the exit code is the worst round's.", 1, 1, 1_000_000);

    public Option<TimeSpan> Interval { get; } = Duration(
        "--interval", "Time from the start of one round to the start of the next (e.g. 1s, 500ms).", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));

    public Option<OutputFormat> Format { get; } = FormatOption();

    public IEnumerable<Option> All =>
    [
        Tcp, Tls, ClientCertificate, ClientKey, ClientCertificatePasswordEnv, CaBundle, ServerName, ExpiryWarning, AllowUntrusted,
        Storage, StorageMinFree, StorageLatencyBudget, Amqp, AmqpRoundTrip, Jolokia, Queue, BrokerName, ExpectBackup, ExpectReplication, Origin,
        User, PasswordEnv, Grpc, GrpcService,
        Timeout, Repeat, Interval, Format,
    ];

    /// <summary>The checks asked for: at least one is needed.</summary>
    public IEnumerable<Option> Targets => [Tcp, Tls, Storage, Amqp, Jolokia, Grpc];

    /// <summary>Refuses a command line that probes nothing, or that gives TLS settings without a --tls to use them.</summary>
    public void Validate(CommandResult command)
    {
        if (!Targets.Any(option => command.GetResult(option) is not null))
        {
            command.AddError($"Nothing to probe: give at least one of {string.Join(", ", Targets.Select(o => o.Name))}.");
            return;
        }

        NeedsOneOf(command, [Tls], [ServerName]);
        NeedsOneOf(command, [Tls, Grpc], [ClientCertificate, ClientKey, ClientCertificatePasswordEnv]);
        NeedsOneOf(command, [Tls, Jolokia, Grpc], [CaBundle]);
        NeedsOneOf(command, [Grpc], [GrpcService]);
        NeedsOneOf(command, [Tls, Amqp], [AllowUntrusted]);
        NeedsOneOf(command, [Amqp], [AmqpRoundTrip]);
        NeedsOneOf(command, [Jolokia], [Queue, BrokerName, ExpectBackup, ExpectReplication, Origin]);
        NeedsOneOf(command, [Amqp, Jolokia], [User, PasswordEnv]);

        if (command.GetResult(ClientKey) is not null && command.GetResult(ClientCertificate) is null)
        {
            command.AddError("--client-key needs --client-cert.");
        }
    }

    private static void NeedsOneOf(CommandResult command, Option[] targets, Option[] settings)
    {
        if (targets.Any(target => command.GetResult(target) is not null))
        {
            return;
        }

        foreach (var option in settings.Where(option => command.GetResult(option) is not null))
        {
            command.AddError($"{option.Name} applies to {string.Join(" and ", targets.Select(t => t.Name))} checks; give {string.Join(" or ", targets.Select(t => t.Name))} too.");
        }
    }

    /// <summary>Absolute URLs of the given schemes with a host; the error shows the URL with its password masked.</summary>
    private static Option<Uri[]> Urls(string name, string description, string helpName, string[] schemes) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            var urls = new List<Uri>();
            foreach (var token in result.Tokens)
            {
                if (Uri.TryCreate(token.Value.Trim(), UriKind.Absolute, out var url)
                    && schemes.Contains(url.Scheme, StringComparer.OrdinalIgnoreCase)
                    && url.IdnHost.Length > 0)
                {
                    urls.Add(url);
                }
                else
                {
                    result.AddError($"{name} '{ProbeRedactor.RedactUrls(token.Value)}': expected an absolute {string.Join(" or ", schemes)} URL with a host.");
                }
            }

            return [.. urls];
        },
    };

    private static Option<KeyValuePair<string, long>[]> QueueThresholds() => new("--queue")
    {
        Description = "For --jolokia: Degraded when a queue whose name starts with PREFIX holds more than THRESHOLD messages (e.g. p2p.inbound.=1000). Repeatable.",
        HelpName = "prefix=threshold",
        CustomParser = result =>
        {
            var thresholds = new List<KeyValuePair<string, long>>();
            foreach (var token in result.Tokens)
            {
                var equals = token.Value.LastIndexOf('=');
                if (equals > 0
                    && long.TryParse(token.Value[(equals + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var threshold)
                    && !token.Value.Any(char.IsControl))
                {
                    thresholds.Add(new(token.Value[..equals], threshold));
                }
                else
                {
                    result.AddError($"--queue '{token.Value}': expected PREFIX=THRESHOLD, a queue-name prefix and a message count, e.g. p2p.inbound.=1000.");
                }
            }

            return [.. thresholds];
        },
    };

    private static Option<HostPort[]> Endpoints(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "host:port",
        CustomParser = result =>
        {
            var endpoints = new List<HostPort>();
            foreach (var token in result.Tokens)
            {
                if (HostPort.TryParse(token.Value, out var endpoint, out var problem))
                {
                    endpoints.Add(endpoint);
                }
                else
                {
                    result.AddError($"{name} '{ProbeRedactor.RedactUrls(token.Value)}': {problem}.");
                }
            }

            return [.. endpoints];
        },
    };

    private static Option<string[]> Directories()
    {
        var option = new Option<string[]>("--storage")
        {
            Description = "Journal storage probe of a directory (the broker's artemis/journal on its shared drive): durable write latency, free space, server.lock. Repeatable.",
            HelpName = "dir",
        };
        option.Validators.Add(result =>
        {
            foreach (var path in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (string.IsNullOrWhiteSpace(path) || path.Any(char.IsControl))
                {
                    result.AddError($"--storage '{path}': expected a directory path.");
                }
            }
        });
        return option;
    }

    private static Option<string?> EnvironmentVariable(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = "variable" };
        option.Validators.Add(result =>
        {
            var variable = result.GetValueOrDefault<string?>();
            if (string.IsNullOrWhiteSpace(variable) || variable.Contains('=', StringComparison.Ordinal) || variable.Any(char.IsControl))
            {
                result.AddError($"{name}: '{variable}' is not an environment variable name.");
            }
            else if (Environment.GetEnvironmentVariable(variable) is null)
            {
                result.AddError($"{name}: the environment variable {variable} is not set.");
            }
        });
        return option;
    }

    /// <summary>A positive duration up to <paramref name="maximum"/>; zero, negative and unparsable values name the option.</summary>
    private static Option<TimeSpan> Duration(string name, string description, TimeSpan fallback, TimeSpan maximum) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = Last(result);
            if (!DurationParser.TryParse(text, out var value))
            {
                result.AddError($"{name}: '{text}' is not a positive duration; use e.g. 2s, 1500ms or 00:00:02.");
            }
            else if (value > maximum)
            {
                result.AddError($"{name} must be at most {DurationParser.Format(maximum)} (was {text}).");
            }

            return value;
        },
    };

    private static Option<OutputFormat> FormatOption()
    {
        var option = CommonOptions.Format();
        option.Description = "Output: text (a table per round, for people) or json (one document per round and line, NDJSON, for scripts).";
        return option;
    }

    private static TimeSpan ParseExpiryWarning(ArgumentResult result)
    {
        var text = Last(result)?.Trim();
        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        if (text is { Length: > 1 } && text.EndsWith('d')
            && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var days) && days is > 0 and < 36_500)
        {
            return TimeSpan.FromDays(days);
        }

        if (DurationParser.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"--expiry-warning: '{text}' is not a duration; use e.g. 30d, 72h or 0.");
        return default;
    }

    private static string? Last(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
}

using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Supervision;
using Corda.HighAvailability.Tool.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Corda.HighAvailability.Tool.Node;

/// <summary>
/// Builds <c>corda-ha node run</c> the way an application would: a generic host, lease election on the chosen
/// provider, and <c>RunProcessWhileLeader</c> with this very tool as the guard (<c>corda-ha node guard</c>).
/// </summary>
internal static class NodeRunHost
{
    public static IHost Build(NodeRunSettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });

        // stdout carries --events; every log line goes to stderr.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        // The stop waits for the node's death (grace period, then SIGKILL), and only then releases the lease.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.GracePeriod + settings.LeaseDuration + TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(settings);

        var (guard, guardPrefix) = ToolSelf.CommandLine();
        builder.Services.AddCordaHa(ha =>
        {
            var election = ha
                .AddLeaseElection(o =>
                {
                    o.LeaseName = settings.LeaseName;
                    if (settings.Identity is { Length: > 0 } identity)
                    {
                        o.Identity = identity;
                    }

                    o.LeaseDuration = settings.LeaseDuration;
                    o.RenewDeadline = settings.EffectiveRenewDeadline;
                    o.RetryPeriod = settings.RetryPeriod;
                    o.AutoCreateSchema = settings.CreateSchema;
                })
                .UseProvider(settings.Provider, settings.ConnectionString, settings.TableName)
                .RunProcessWhileLeader(o =>
                {
                    o.Command = settings.NodeCommandLine[0];
                    foreach (var argument in settings.NodeCommandLine.Skip(1))
                    {
                        o.Arguments.Add(argument);
                    }

                    o.GracePeriod = settings.GracePeriod;
                    o.SafetyMargin = settings.SafetyMargin;
                    o.StopSignal = settings.StopSignal;
                    o.ReadinessPort = settings.ReadinessPort;
                    o.MaxCrashes = settings.MaxCrashes;
                    o.CrashWindow = settings.CrashWindow;
                    o.RestartDelay = settings.RestartDelay;
                    o.MaxRestartDelay = settings.RestartDelay * 16;
                    o.GuardCommand = guard;
                    o.GuardArguments.Clear();
                    foreach (var argument in guardPrefix.Concat(["node", "guard"]))
                    {
                        o.GuardArguments.Add(argument);
                    }

                    o.GuardLogPath = settings.GuardLog;
                    if (settings.GuardRelease)
                    {
                        o.GuardRelease = new NodeGuardRelease
                        {
                            Provider = ProviderTable.Get(settings.Provider).Name,
                            ConnectionString = settings.ConnectionString,
                            TableName = settings.TableName,
                        };
                    }
                });
            if (settings.VerifyCheckpoints != CheckpointGateMode.Off)
            {
                election.AddPreStartGate<CheckpointGate>();
            }
        });

        if (settings.Events)
        {
            builder.Services.AddHostedService<NodeEventWriter>();
        }

        return builder.Build();
    }
}

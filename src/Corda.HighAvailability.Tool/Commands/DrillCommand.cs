using System.CommandLine;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Drill;
using Corda.HighAvailability.Tool.Providers;
using Microsoft.Data.Sqlite;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary>
/// <c>corda-ha drill</c>: a failover drill with real processes and real signals. With no options it needs no set-up:
/// a SQLite file in a fresh temporary directory, deleted afterwards.
/// </summary>
internal static class DrillCommand
{
    private const string DefaultLease = "corda-ha-drill";

    public static Command Create()
    {
        var provider = CommonOptions.Provider(ProviderCapability.LeaseElection, required: false);
        var connection = CommonOptions.Connection(false, "Connection string of the database to drill on. Default (sqlite): a temporary file, deleted afterwards. Never printed.", ProviderCapability.LeaseElection);
        var lease = CommonOptions.Lease(DefaultLease);
        var table = CommonOptions.Table();
        var candidates = CommonOptions.Count("--candidates", "Candidate processes kept running.", 3, 2, 16);
        var kills = CommonOptions.Count("--kills", "Leader take-downs (round 2 is a graceful SIGTERM, the others SIGKILL); one SIGSTOP pause round follows.", 5, 1, 100);
        var duration = CommonOptions.Duration("--lease-duration", "Lease duration; renew deadline 2/3 of it, renew period 1/7.5 of it (e.g. 2s, 1500ms, 00:00:02).", TimeSpan.FromSeconds(2));
        var format = CommonOptions.Format();
        var command = new Command(
            "drill",
            "Failover drill: start candidate processes, take the leader down repeatedly (SIGKILL, SIGTERM, SIGSTOP/SIGCONT), measure each "
            + "failover (signal to the new leader's first fenced write) and check the write log for overlapping leaders. Exit codes: 0 safe; "
            + "2 usage or connection error; 3 overlap or accepted stale write (safety violation); 4 the drill could not complete.");
        foreach (var option in new Option[] { provider, connection, lease, table, candidates, kills, duration, format })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            var connectionString = parse.GetValue(connection);
            return CommandRunner.RunAsync(
                () => RunAsync(
                    parse.GetValue(provider),
                    connectionString,
                    parse.GetRequiredValue(lease),
                    parse.GetValue(table),
                    parse.GetValue(candidates),
                    parse.GetValue(kills),
                    parse.GetValue(duration),
                    parse.GetValue(format),
                    cancellationToken),
                connectionString);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        ProviderKind provider,
        string? connection,
        string lease,
        string? table,
        int candidates,
        int kills,
        TimeSpan duration,
        OutputFormat format,
        CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new ToolException(ExitCodes.UsageOrConnection, "The drill sends Linux signals (SIGTERM, SIGSTOP, SIGCONT); run it on Linux.");
        }

        if (string.Equals(lease, CommonOptions.DefaultLeaseName, StringComparison.Ordinal))
        {
            throw new ToolException(ExitCodes.UsageOrConnection, $"Refusing to drill on lease '{lease}', the production default; pick another --lease.");
        }

        if (duration < TimeSpan.FromMilliseconds(500))
        {
            throw new ToolException(ExitCodes.UsageOrConnection, "--lease-duration must be at least 500ms: shorter leases drown in process scheduling noise.");
        }

        DirectoryInfo? temporary = null;
        if (connection is null)
        {
            if (provider != ProviderKind.Sqlite)
            {
                throw new ToolException(ExitCodes.UsageOrConnection, $"--provider {ProviderTable.Get(provider).Name} needs --connection.");
            }

            temporary = Directory.CreateTempSubdirectory("corda-ha-drill-");
            connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(temporary.FullName, "drill.db") }.ToString();
        }

        var settings = new DrillSettings(provider, connection, temporary is not null, lease, table, candidates, kills, duration, format);
        try
        {
            DrillResult result;
            var orchestrator = new DrillOrchestrator(settings);
            await using (orchestrator.ConfigureAwait(false))
            {
                result = await orchestrator.RunAsync(cancellationToken).ConfigureAwait(false);
            }

            if (format == OutputFormat.Json)
            {
                DrillReport.WriteJson(result);
            }
            else
            {
                DrillReport.WriteText(result);
            }

            return result.Safe ? ExitCodes.Success : ExitCodes.SafetyViolation;
        }
        finally
        {
            if (temporary is not null)
            {
                SqliteConnection.ClearAllPools();
                try
                {
                    temporary.Delete(recursive: true);
                }
                catch (IOException)
                {
                    Console.Error.WriteLine($"corda-ha: could not delete {temporary.FullName}");
                }
            }
        }
    }
}

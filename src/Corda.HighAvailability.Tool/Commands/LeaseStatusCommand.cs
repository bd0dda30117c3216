using System.CommandLine;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary><c>corda-ha lease status</c>: who holds the lease, under which epoch, and for how long still.</summary>
internal static class LeaseStatusCommand
{
    public static Command Create()
    {
        var command = new Command(
            "status",
            "Show the lease: holder, machine, pid, version, epoch, acquired/renewed/expires (database clock), time since renewal, "
            + "time to expiry, held or free. Exit codes: 0 the lease row exists (held or free); 1 it does not exist (never taken); "
            + "2 usage or connection error.");
        var target = LeaseTarget.AddTo(command);
        var format = CommonOptions.Format();
        command.Options.Add(format);
        command.SetAction((parse, cancellationToken) =>
        {
            var connection = parse.GetRequiredValue(target.Connection);
            return CommandRunner.RunAsync(
                () => RunAsync(parse.GetValue(target.Provider), connection, parse.GetRequiredValue(target.Lease), parse.GetValue(target.Table), parse.GetValue(format), cancellationToken),
                connection);
        });
        return command;
    }

    private static async Task<int> RunAsync(ProviderKind provider, string connection, string lease, string? table, OutputFormat format, CancellationToken cancellationToken)
    {
        var store = StoreFactory.CreateStore(provider, StoreFactory.ForExistingDatabase(provider, connection), table);
        await using (store.ConfigureAwait(false))
        {
            var record = await store.ReadAsync(lease, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                if (format == OutputFormat.Json)
                {
                    JsonOutput.Write(w =>
                    {
                        w.WriteString("lease", lease);
                        w.WriteBoolean("exists", false);
                        w.WriteBoolean("held", false);
                    });
                }

                return CommandRunner.Fail(ExitCodes.NotFoundOrRefused, $"Lease '{lease}' does not exist (it was never taken).");
            }

            if (format == OutputFormat.Json)
            {
                JsonOutput.Write(w =>
                {
                    w.WriteString("provider", store.ProviderName);
                    LeaseView.WriteJson(w, record);
                });
            }
            else
            {
                LeaseView.WriteText(record, store.ProviderName, table);
            }

            return ExitCodes.Success;
        }
    }
}

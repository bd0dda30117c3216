using System.CommandLine;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary>
/// <c>corda-ha lease status</c>: who holds the lease, under which epoch, and for how long still; on a Corda node's
/// database (postgres, sqlserver) also Corda Enterprise's own mutual-exclusion row and whether the two guards agree.
/// </summary>
internal static class LeaseStatusCommand
{
    public static Command Create()
    {
        var command = new Command(
            "status",
            "Show the lease: holder, machine, pid, version, epoch, acquired/renewed/expires (database clock), time since renewal, "
            + "time to expiry, held or free. On postgres and sqlserver also Corda Enterprise's node_mutual_exclusion row (machine, pid, "
            + "timestamp, version, live or stale given --corda-wait-interval, or absent) and a WARNING when it names another machine "
            + "than the lease holder. Exit codes: 0 the lease row exists (held or free), whatever Corda's row says; 1 it does not "
            + "exist (never taken); 2 usage or connection error; 5 with --fail-on-disagreement, the lease and Corda's live row name "
            + "different machines.");
        var target = LeaseTarget.AddTo(command);
        var corda = CordaGuardTarget.AddTo(command);
        var format = CommonOptions.Format();
        command.Options.Add(format);
        command.SetAction((parse, cancellationToken) =>
        {
            var connection = parse.GetRequiredValue(target.Connection);
            var request = new StatusRequest(
                parse.GetValue(target.Provider),
                connection,
                parse.GetRequiredValue(target.Lease),
                parse.GetValue(target.Table),
                corda.Read(parse, connection),
                parse.GetValue(format));
            return CommandRunner.RunAsync(() => RunAsync(request, cancellationToken), connection);
        });
        return command;
    }

    private static async Task<int> RunAsync(StatusRequest request, CancellationToken cancellationToken)
    {
        CordaGuardReport.RefuseIfNotApplicable(request.Provider, request.Corda);
        var store = StoreFactory.CreateStore(request.Provider, StoreFactory.ForExistingDatabase(request.Provider, request.Connection), request.Table);
        await using (store.ConfigureAwait(false))
        {
            var record = await store.ReadAsync(request.Lease, cancellationToken).ConfigureAwait(false);

            // Read after the lease, so a live Corda row next to a lease that is missing still shows (a node running
            // without any lease holder is exactly what an operator asking for status needs to see).
            var corda = await CordaGuardReport.ReadAsync(request.Provider, request.Corda, record, cancellationToken).ConfigureAwait(false);
            if (request.Format == OutputFormat.Json)
            {
                JsonOutput.Write(w =>
                {
                    w.WriteString("provider", store.ProviderName);
                    if (record is null)
                    {
                        w.WriteString("lease", request.Lease);
                        w.WriteBoolean("exists", false);
                        w.WriteBoolean("held", false);
                    }
                    else
                    {
                        LeaseView.WriteJson(w, record);
                    }

                    CordaGuardView.WriteJson(w, corda);
                });
                if (corda.Warning is { } warning)
                {
                    // stdout stays one JSON document; a person piping it still sees the warning.
                    Console.Error.WriteLine($"corda-ha: WARNING: {warning}");
                }
            }
            else
            {
                if (record is not null)
                {
                    LeaseView.WriteText(record, store.ProviderName, request.Table);
                }

                if (record is not null || corda.State != CordaGuardState.NotApplicable)
                {
                    CordaGuardView.WriteText(corda, Console.Out);
                }
            }

            if (record is null)
            {
                return CommandRunner.Fail(ExitCodes.NotFoundOrRefused, $"Lease '{request.Lease}' does not exist (it was never taken).");
            }

            // Disagreement alone keeps 0: "the lease row exists" is what scripts already rely on status for. Those that
            // want it to fail ask for it.
            return corda.Disagrees && request.Corda.FailOnDisagreement ? ExitCodes.GuardsDisagree : ExitCodes.Success;
        }
    }

    private sealed record StatusRequest(ProviderKind Provider, string Connection, string Lease, string? Table, CordaGuardRequest Corda, OutputFormat Format);
}

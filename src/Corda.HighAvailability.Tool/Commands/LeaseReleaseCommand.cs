using System.CommandLine;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary>
/// <c>corda-ha lease release</c>: frees a lease nobody lives on, or with <c>--force</c> takes it from a live holder
/// and bumps the epoch, so that holder's renewals and fenced writes are refused from then on.
/// </summary>
internal static class LeaseReleaseCommand
{
    public static Command Create()
    {
        var command = new Command(
            "release",
            "Release the lease if nobody holds it or its holder's grant has expired. With --force, release it whoever holds it and "
            + "bump the epoch so the old holder is fenced. Exit codes: 0 released (or already free); 1 the lease does not exist, "
            + "or a live holder has it and --force was not given; 2 usage or connection error.");
        var target = LeaseTarget.AddTo(command);
        var force = new Option<bool>("--force")
        {
            Description = "Release even a live lease, bumping the epoch: the holder's renewals and fenced writes fail from now on.",
        };
        var format = CommonOptions.Format();
        command.Options.Add(force);
        command.Options.Add(format);
        command.SetAction((parse, cancellationToken) =>
        {
            var connection = parse.GetRequiredValue(target.Connection);
            var request = new ReleaseRequest(parse.GetRequiredValue(target.Lease), parse.GetValue(force), parse.GetValue(format));
            return CommandRunner.RunAsync(
                async () =>
                {
                    var provider = parse.GetValue(target.Provider);
                    var store = StoreFactory.CreateStore(provider, StoreFactory.ForExistingDatabase(provider, connection), parse.GetValue(target.Table));
                    await using (store.ConfigureAwait(false))
                    {
                        return await RunAsync(store, request, cancellationToken).ConfigureAwait(false);
                    }
                },
                connection);
        });
        return command;
    }

    private static async Task<int> RunAsync(ILeaseStore store, ReleaseRequest request, CancellationToken cancellationToken)
    {
        var before = await store.ReadAsync(request.Lease, cancellationToken).ConfigureAwait(false);
        if (before is null)
        {
            return CommandRunner.Fail(ExitCodes.NotFoundOrRefused, $"Lease '{request.Lease}' does not exist (it was never taken); nothing to release.");
        }

        if (request.Force)
        {
            var after = await store.ForceReleaseAsync(request.Lease, cancellationToken).ConfigureAwait(false)
                ?? throw new ToolException(ExitCodes.NotFoundOrRefused, $"Lease '{request.Lease}' disappeared while it was being released.");
            Report(request, before, after, released: true, $"Force-released lease '{request.Lease}': was {LeaseView.Describe(before)}; epoch is now {after.Epoch}, so the old holder is fenced.");
            return ExitCodes.Success;
        }

        if (before.Holder is null)
        {
            Report(request, before, before, released: false, $"Lease '{request.Lease}' is already free (epoch {before.Epoch}); nothing to do.");
            return ExitCodes.Success;
        }

        if (before.IsHeld)
        {
            Report(request, before, before, released: false, null);
            return CommandRunner.Fail(
                ExitCodes.NotFoundOrRefused,
                $"Refusing to release lease '{request.Lease}': it is {LeaseView.Describe(before)}. Stop that host, wait for expiry, or use --force (bumps the epoch so the holder is fenced).");
        }

        // The grant lapsed. Release under its token (compare-and-set on holder and epoch): if the lease was granted
        // again since the read, the epoch moved and nothing happens, so a new holder is never kicked out.
        if (await store.ReleaseAsync(before.ToToken()!, cancellationToken).ConfigureAwait(false))
        {
            var after = await store.ReadAsync(request.Lease, cancellationToken).ConfigureAwait(false) ?? before;
            Report(request, before, after, released: true, $"Released lease '{request.Lease}': '{before.Holder.Id}' had let it expire (epoch {before.Epoch}).");
            return ExitCodes.Success;
        }

        return CommandRunner.Fail(ExitCodes.NotFoundOrRefused, $"Lease '{request.Lease}' changed while it was being released (taken again?); run 'lease status' and retry.");
    }

    private static void Report(ReleaseRequest request, LeaseRecord before, LeaseRecord after, bool released, string? text)
    {
        if (request.Format == OutputFormat.Json)
        {
            JsonOutput.Write(w =>
            {
                w.WriteString("lease", request.Lease);
                w.WriteBoolean("released", released);
                w.WriteBoolean("forced", request.Force && released);
                w.WriteString("previousState", LeaseView.State(before));
                w.WriteStringOrNull("previousHolder", before.Holder?.Id);
                w.WriteNumber("previousEpoch", before.Epoch);
                w.WriteNumber("epoch", after.Epoch);
                w.WriteString("state", LeaseView.State(after));
            });
        }
        else if (text is not null)
        {
            Console.Out.WriteLine(text);
        }
    }

    private sealed record ReleaseRequest(string Lease, bool Force, OutputFormat Format);
}

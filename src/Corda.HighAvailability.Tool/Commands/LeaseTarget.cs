using System.CommandLine;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary>The options every <c>lease</c> subcommand takes to find a lease: provider, connection, lease and table.</summary>
internal sealed class LeaseTarget
{
    private LeaseTarget(bool connectionRequired)
    {
        Provider = CommonOptions.Provider(ProviderCapability.LeaseElection, required: true);
        Connection = CommonOptions.Connection(connectionRequired, connectionRequired
            ? "Connection string of the lease database. Never printed."
            : "Connection string; not needed to print the schema. Never printed.",
            ProviderCapability.LeaseElection);
        Lease = CommonOptions.Lease();
        Table = CommonOptions.Table();
    }

    public Option<ProviderKind> Provider { get; }

    public Option<string> Connection { get; }

    public Option<string> Lease { get; }

    public Option<string?> Table { get; }

    public static LeaseTarget AddTo(Command command, bool connectionRequired = true)
    {
        var target = new LeaseTarget(connectionRequired);
        command.Options.Add(target.Provider);
        command.Options.Add(target.Connection);
        command.Options.Add(target.Lease);
        command.Options.Add(target.Table);
        return target;
    }
}

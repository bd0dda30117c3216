using System.CommandLine;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary><c>corda-ha lease schema</c>: the DDL a DBA applies, printed without touching any database.</summary>
internal static class LeaseSchemaCommand
{
    public static Command Create()
    {
        var command = new Command(
            "schema",
            "Print the DDL of the lease table for a DBA to apply (production runs without DDL rights). Needs no connection: "
            + "nothing is opened. Exit codes: 0 printed; 2 usage error.");
        var target = LeaseTarget.AddTo(command, connectionRequired: false);
        command.SetAction((parse, _) =>
        {
            var connection = parse.GetValue(target.Connection);
            return CommandRunner.RunAsync(
                async () =>
                {
                    var provider = parse.GetValue(target.Provider);
                    // The stores open connections lazily, per operation, so a placeholder is enough to build one.
                    var store = StoreFactory.CreateStore(provider, connection ?? StoreFactory.SchemaPlaceholder(provider), parse.GetValue(target.Table));
                    await using (store.ConfigureAwait(false))
                    {
                        Console.Out.WriteLine(store.GetSchemaScript().TrimEnd());
                    }

                    return ExitCodes.Success;
                },
                connection);
        });
        return command;
    }
}

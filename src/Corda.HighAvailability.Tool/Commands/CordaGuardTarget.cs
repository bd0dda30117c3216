using System.CommandLine;
using Corda.HighAvailability.LeaseElection.CordaMutualExclusion;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary>
/// The options of <c>lease status</c> that find Corda Enterprise's <c>node_mutual_exclusion</c> row and judge it:
/// where it is (by default in the lease's database, schema and table as Corda names them), the node's
/// <c>waitInterval</c>, and whether a disagreement fails the command.
/// </summary>
internal sealed class CordaGuardTarget
{
    private CordaGuardTarget()
    {
        WaitInterval = CommonOptions.Duration(
            "--corda-wait-interval",
            "The node's mutualExclusionConfiguration.waitInterval: Corda's row looks live while the database's clock is at most this "
            + "long past its timestamp. Default: 40s, the value in Corda's documentation.",
            CordaMutualExclusionDefaults.WaitInterval);
        Connection = new Option<string?>("--corda-connection")
        {
            Description = "Connection string of the Corda node's database, where node_mutual_exclusion lives. Default: --connection. Never printed.",
            HelpName = "connection-string",
        };
        Schema = new Option<string?>("--corda-schema")
        {
            Description = "Schema of Corda's table. Default: public (postgres), dbo (sqlserver).",
            HelpName = "name",
        };
        Table = new Option<string?>("--corda-table")
        {
            Description = $"Corda's mutual-exclusion table. Default: {CordaMutualExclusionDefaults.TableName}.",
            HelpName = "name",
        };
        TimeZone = new Option<string?>("--corda-time-zone")
        {
            Description = "postgres only: the node JVM's time zone, in which Corda stored its timestamp (e.g. UTC). Default: this session's TimeZone.",
            HelpName = "zone",
        };
        FailOnDisagreement = new Option<bool>("--fail-on-disagreement")
        {
            Description = $"Exit {ExitCodes.GuardsDisagree} (instead of 0) when the lease and Corda's live row name different machines.",
        };
    }

    public Option<TimeSpan> WaitInterval { get; }

    public Option<string?> Connection { get; }

    public Option<string?> Schema { get; }

    public Option<string?> Table { get; }

    public Option<string?> TimeZone { get; }

    public Option<bool> FailOnDisagreement { get; }

    public static CordaGuardTarget AddTo(Command command)
    {
        var target = new CordaGuardTarget();
        command.Options.Add(target.WaitInterval);
        command.Options.Add(target.Connection);
        command.Options.Add(target.Schema);
        command.Options.Add(target.Table);
        command.Options.Add(target.TimeZone);
        command.Options.Add(target.FailOnDisagreement);
        return target;
    }

    /// <summary>The request these options make; <paramref name="leaseConnection"/> stands in for a missing <c>--corda-connection</c>.</summary>
    public CordaGuardRequest Read(System.CommandLine.ParseResult parse, string leaseConnection)
    {
        var connection = parse.GetValue(Connection);
        return new CordaGuardRequest(
            string.IsNullOrEmpty(connection) ? leaseConnection : connection,
            Explicit: !string.IsNullOrEmpty(connection) || parse.GetValue(Schema) is not null || parse.GetValue(Table) is not null || parse.GetValue(TimeZone) is not null,
            parse.GetValue(Schema),
            parse.GetValue(Table),
            parse.GetValue(TimeZone),
            parse.GetValue(WaitInterval),
            parse.GetValue(FailOnDisagreement));
    }
}

/// <summary>What <c>lease status</c> was asked about Corda's row.</summary>
/// <param name="ConnectionString">Where to read it; never printed.</param>
/// <param name="Explicit">Whether any of <c>--corda-connection|schema|table|time-zone</c> was given (refused on SQLite).</param>
/// <param name="Schema">The schema, or null for the provider's default.</param>
/// <param name="Table">The table, or null for <c>node_mutual_exclusion</c>.</param>
/// <param name="TimeZone">PostgreSQL only: the node JVM's time zone, or null.</param>
/// <param name="WaitInterval">Corda's <c>waitInterval</c>.</param>
/// <param name="FailOnDisagreement">Exit <see cref="ExitCodes.GuardsDisagree"/> on disagreement.</param>
internal sealed record CordaGuardRequest(string ConnectionString, bool Explicit, string? Schema, string? Table, string? TimeZone, TimeSpan WaitInterval, bool FailOnDisagreement);

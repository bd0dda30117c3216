using System.Data.Common;
using Corda.HighAvailability.LeaseElection.CordaMutualExclusion;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary>What <c>lease status</c> found of Corda's row.</summary>
internal enum CordaGuardState
{
    /// <summary>The provider is never a Corda node's database (SQLite).</summary>
    NotApplicable,

    /// <summary>No table (or schema), or no row: Corda's guard is off or never ran.</summary>
    Absent,

    /// <summary>The row was written within the wait interval, by the database's clock.</summary>
    Live,

    /// <summary>The row is older than the wait interval: Corda would let another machine take it.</summary>
    Stale,

    /// <summary>The row could not be read (no permission, unreachable <c>--corda-connection</c>, ...).</summary>
    Unreadable,
}

/// <summary>
/// Corda Enterprise's mutual-exclusion row next to the lease, compared by <see cref="CordaMutualExclusionComparison"/>,
/// the same comparison as the agreement health check, so the tool and the check never tell different stories.
/// </summary>
internal sealed class CordaGuardReport
{
    private CordaGuardReport(CordaGuardState state, string? table, TimeSpan waitInterval, CordaMutualExclusionComparison? comparison, string? error)
    {
        State = state;
        Table = table;
        WaitInterval = waitInterval;
        Comparison = comparison;
        Error = error;
    }

    public CordaGuardState State { get; }

    /// <summary>The schema-qualified table read, or null when not applicable.</summary>
    public string? Table { get; }

    public TimeSpan WaitInterval { get; }

    /// <summary>The comparison, or null when Corda's row was not applicable or unreadable.</summary>
    public CordaMutualExclusionComparison? Comparison { get; }

    public CordaMutualExclusionRow? Row => Comparison?.Row;

    /// <summary>The (redacted) reason the row could not be read.</summary>
    public string? Error { get; }

    public bool Disagrees => Comparison is { Verdict: CordaMutualExclusionVerdict.Disagree };

    /// <summary>The line operators must not miss, or null when there is nothing to warn about.</summary>
    public string? Warning => State switch
    {
        CordaGuardState.Unreadable => $"could not read Corda's mutual-exclusion table {Table}, so the two guards were not compared: {Error}",
        _ when Disagrees => $"the lease names machine '{Comparison!.LeaseHolderMachine}' but Corda's live row in {Table} names '{Row!.MachineName}' "
            + $"(pid {Row.Pid}): two hosts may each believe they are active. Find which node really runs before anything else.",
        _ => null,
    };

    /// <summary>Refuses <c>--corda-*</c> location options on a provider without Corda's table, before anything is opened.</summary>
    public static void RefuseIfNotApplicable(ProviderKind provider, CordaGuardRequest request)
    {
        var row = ProviderTable.Get(provider);
        if (request.Explicit && row.RequireLease().CordaGuard is null)
        {
            throw new ToolException(
                ExitCodes.UsageOrConnection,
                $"--corda-connection, --corda-schema, --corda-table and --corda-time-zone need --provider postgres or sqlserver: a Corda node's database is never {row.DisplayName}.");
        }
    }

    public static async Task<CordaGuardReport> ReadAsync(ProviderKind provider, CordaGuardRequest request, LeaseRecord? lease, CancellationToken cancellationToken)
    {
        RefuseIfNotApplicable(provider, request);
        if (ProviderTable.Get(provider).RequireLease().CordaGuard is not { } wiring)
        {
            return new CordaGuardReport(CordaGuardState.NotApplicable, null, request.WaitInterval, null, null);
        }

        var table = $"{request.Schema ?? wiring.DefaultSchema}.{request.Table ?? CordaMutualExclusionDefaults.TableName}";
        ICordaMutualExclusionReader reader;
        try
        {
            reader = wiring.CreateReader(new CordaGuardSettings(request.ConnectionString, request.Schema, request.Table, request.TimeZone));
        }
        catch (ArgumentException ex)
        {
            // Identifiers are validated by the reader (SqlIdentifier): a bad --corda-schema/--corda-table is a usage error.
            throw new ToolException(ExitCodes.UsageOrConnection, $"Invalid Corda mutual-exclusion settings: {Secrets.Redact(ex.Message, request.ConnectionString)}", ex);
        }

        try
        {
            var cordaRow = await reader.ReadAsync(request.WaitInterval, cancellationToken).ConfigureAwait(false);
            var state = cordaRow is null ? CordaGuardState.Absent : cordaRow.IsLive ? CordaGuardState.Live : CordaGuardState.Stale;
            return new CordaGuardReport(state, table, request.WaitInterval, CordaMutualExclusionComparison.Compare(lease, cordaRow), null);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or IOException)
        {
            // The lease was read and is the command's answer; Corda's row is a second opinion. Losing it (no SELECT
            // permission, an unreachable --corda-connection) is reported loudly, but does not hide the lease.
            var message = Secrets.Redact(ex.Message, request.ConnectionString).ReplaceLineEndings(" ").Trim();
            return new CordaGuardReport(CordaGuardState.Unreadable, table, request.WaitInterval, null, message);
        }
    }
}

using System.Data.Common;
using Corda.HighAvailability.Checkpoints.Reading.Tables;

namespace Corda.HighAvailability.Checkpoints.Reading;

/// <summary>
/// A node database as the verifier sees it: connections and the few SQL fragments that differ between databases.
/// Provider packages implement it (<c>UsePostgreSql</c>, <c>UseSqlServer</c>), so that the verifier core knows no driver. The core runs only
/// parameter-free SELECTs over validated identifiers (plus <see cref="ColumnsQuery"/>), with
/// <see cref="System.Data.CommandBehavior.SequentialAccess"/>.
/// </summary>
public abstract class CheckpointDatabase
{
    /// <summary>A short provider name for logs, for example <c>postgresql</c>.</summary>
    public abstract string ProviderName { get; }

    /// <summary>The schema Corda's tables live in when none is configured, for example <c>public</c> or <c>dbo</c>.</summary>
    public abstract string DefaultSchema { get; }

    /// <summary>
    /// Lists (table_name, column_name) of Corda's checkpoint tables in the schema given by the parameter named
    /// <see cref="SchemaParameterName"/>. The default reads ANSI <c>information_schema.columns</c>.
    /// </summary>
    public virtual string ColumnsQuery =>
        $"SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = @schema AND table_name IN ({CheckpointTableList})";

    /// <summary>
    /// The names of Corda's checkpoint tables as a list of SQL string literals, <c>'node_checkpoints', …</c>, for a
    /// <see cref="ColumnsQuery"/> of a provider's own.
    /// </summary>
    protected static string CheckpointTableList { get; } = string.Join(", ", TableDescriptions.Corda46.Select(t => $"'{t.Table}'"));

    /// <summary>The parameter name used by <see cref="ColumnsQuery"/>; default <c>@schema</c>.</summary>
    public virtual string SchemaParameterName => "@schema";

    /// <summary>Opens a new connection. The verifier opens up to five at once (one per table) and disposes them.</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>An open connection.</returns>
    public abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// An ORDER BY term that sorts <paramref name="column"/> in ordinal (binary) order, for example
    /// <c>flow_id COLLATE "C"</c>: the verifier merges the tables in C# with ordinal comparison, and refuses rows that
    /// come in any other order.
    /// </summary>
    /// <param name="column">A validated column name.</param>
    /// <returns>The ORDER BY term.</returns>
    public abstract string OrderByBinary(string column);

    /// <summary>
    /// A statement that makes the current transaction read-only, run first in every transaction of the flow hospital
    /// view (<see cref="Flows.IFlowHospitalReader"/>), or <see langword="null"/> when the database has none (SQL
    /// Server: grant the login only SELECT). Default <see langword="null"/>.
    /// </summary>
    public virtual string? ReadOnlyTransactionStatement => null;
}

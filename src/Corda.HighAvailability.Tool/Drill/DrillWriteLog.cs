using System.Data.Common;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// The orchestrator's side of the drill's tables (<see cref="DrillSql"/>): creates the lease table and a fresh write
/// log before the candidates start, and reads the log in commit order at the end.
/// </summary>
internal sealed class DrillWriteLog
{
    private readonly DrillSettings _settings;
    private readonly DrillSql _sql;

    public DrillWriteLog(DrillSettings settings)
    {
        _settings = settings;
        _sql = ProviderTable.Get(settings.Provider).RequireLease().Drill;
    }

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        // The lease table first (so candidates do not race to create it), then a fresh drill log for this lease.
        var store = StoreFactory.CreateStore(_settings.Provider, _settings.ConnectionString, _settings.TableName);
        await using (store.ConfigureAwait(false))
        {
            await store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = await StoreFactory.OpenAsync(_settings.Provider, _settings.ConnectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, _sql.Create, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, _sql.DeleteRun, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads this run's writes in commit order and checks them for overlapping leaders.</summary>
    public async Task<WriteLogAnalysis> AnalyzeAsync(CancellationToken cancellationToken)
    {
        var rows = new List<(long, string, long)>();
        var connection = await StoreFactory.OpenAsync(_settings.Provider, _settings.ConnectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = CreateCommand(connection, _sql.SelectRun);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
                    }
                }
            }
        }

        return WriteLogAnalysis.Analyze(rows);
    }

    private async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = CreateCommand(connection, sql);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Statements are DrillSql constants; every value is a parameter.")]
    private DbCommand CreateCommand(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var lease = command.CreateParameter();
        lease.ParameterName = "@lease";
        lease.Value = _settings.LeaseName;
        command.Parameters.Add(lease);
        return command;
    }
}

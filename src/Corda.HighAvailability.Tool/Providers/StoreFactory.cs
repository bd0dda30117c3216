using System.Data.Common;
using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.LeaseElection.Sqlite;
using Corda.HighAvailability.Tool.Cli;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Corda.HighAvailability.LeaseElection.PostgreSql;
using Npgsql;

namespace Corda.HighAvailability.Tool.Providers;

/// <summary>
/// The one place that knows the provider packages: builds stores for the admin commands, wires the provider into
/// a drill candidate's DI container, and opens plain connections for the drill table.
/// </summary>
internal static class StoreFactory
{
    public static ISqlLeaseStore CreateStore(ProviderKind provider, string connectionString, string? tableName)
    {
        try
        {
            switch (provider)
            {
                case ProviderKind.Sqlite:
                    var sqlite = new SqliteLeaseStoreOptions { ConnectionString = connectionString };
                    if (tableName is not null)
                    {
                        sqlite.TableName = tableName;
                    }

                    return new SqliteLeaseStore(sqlite, TimeProvider.System);
                case ProviderKind.Postgres:
                    var postgres = new PostgreSqlLeaseStoreOptions { ConnectionString = connectionString };
                    if (tableName is not null)
                    {
                        postgres.TableName = tableName;
                    }

                    return new PostgreSqlLeaseStore(postgres, TimeProvider.System);
                default:
                    throw NotAvailable(provider);
            }
        }
        catch (ArgumentException ex)
        {
            // Options validation and connection-string parsing both end here: a usage error, not a crash.
            throw new ToolException(ExitCodes.UsageOrConnection, $"Invalid {ProviderNames.Name(provider)} settings: {Secrets.Redact(ex.Message, connectionString)}", ex);
        }
    }

    public static LeaseElectionBuilder UseProvider(this LeaseElectionBuilder builder, ProviderKind provider, string connectionString, string? tableName) => provider switch
    {
        ProviderKind.Sqlite => builder.UseSqlite(connectionString, o => o.TableName = tableName ?? o.TableName),
        ProviderKind.Postgres => builder.UsePostgreSql(connectionString, o => o.TableName = tableName ?? o.TableName),
        _ => throw NotAvailable(provider),
    };

    /// <summary>Opens a plain connection (drill table set-up and analysis); the caller disposes it.</summary>
    public static async Task<DbConnection> OpenAsync(ProviderKind provider, string connectionString, CancellationToken cancellationToken)
    {
        DbConnection connection = provider switch
        {
            // No pooling: the orchestrator's few connections must not keep the temporary database file open.
            ProviderKind.Sqlite => new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString()),
            ProviderKind.Postgres => new NpgsqlConnection(connectionString),
            _ => throw NotAvailable(provider),
        };
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The connection string for commands that only inspect or change an existing lease: for SQLite it refuses to
    /// create a missing file, so a mistyped path is reported instead of leaving an empty database behind.
    /// </summary>
    public static string ForExistingDatabase(ProviderKind provider, string connectionString)
    {
        if (provider != ProviderKind.Sqlite)
        {
            return connectionString;
        }

        try
        {
            var builder = new SqliteConnectionStringBuilder(connectionString);
            if (!connectionString.Contains("mode", StringComparison.OrdinalIgnoreCase))
            {
                builder.Mode = SqliteOpenMode.ReadWrite;
            }

            return builder.ToString();
        }
        catch (ArgumentException ex)
        {
            throw new ToolException(ExitCodes.UsageOrConnection, $"Invalid sqlite connection string: {Secrets.Redact(ex.Message, connectionString)}", ex);
        }
    }

    /// <summary>A connection string that only lets a store be constructed (printing the schema); nothing is opened.</summary>
    public static string Placeholder(ProviderKind provider) => provider == ProviderKind.Sqlite
        ? "Data Source=:memory:"
        : "Host=localhost;Database=corda";

    private static ToolException NotAvailable(ProviderKind provider) => new(
        ExitCodes.UsageOrConnection,
        $"--provider {ProviderNames.Name(provider)} is not supported; use sqlite or postgres.");
}

using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Corda.HighAvailability.LeaseElection.PostgreSql;
using Corda.HighAvailability.LeaseElection.SqlServer;
using Corda.HighAvailability.LeaseElection.Sqlite;
using Corda.HighAvailability.Tool.Drill;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Corda.HighAvailability.Tool.Providers;

/// <summary>
/// The one place that knows the databases. Per provider: its names on the command line, its lease store and how a
/// host wires it, the drill's SQL dialect, the checkpoint verifier's dialect, how to open a plain connection, and the
/// connection string shown in usage. A new provider is a <see cref="ProviderKind"/> member plus one row here, and the
/// row's constructor makes every column explicit; null means "not on this database", and every command that needs
/// it then refuses the provider with a usage error naming the providers that work.
/// </summary>
internal static class ProviderTable
{
    // Every member's row is built up front, so a member without one fails every command (and every test) at once,
    // instead of one user's command later.
    private static readonly ProviderEntry[] Rows = Enum.GetValues<ProviderKind>().Select(Row).ToArray();

    public static IReadOnlyList<ProviderEntry> All => Rows;

    public static ProviderEntry Get(ProviderKind kind) =>
        Array.Find(Rows, row => row.Kind == kind) ?? throw new UnreachableException($"No provider table row for provider {kind}.");

    /// <summary>Finds a provider by any of its names, whatever the case.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ProviderEntry? provider)
    {
        var name = text?.Trim();
        provider = name is null ? null : Array.Find(Rows, row => row.Names.Contains(name, StringComparer.OrdinalIgnoreCase));
        return provider is not null;
    }

    /// <summary>The providers a command needing <paramref name="capability"/> accepts, as <c>a|b</c> for usage text.</summary>
    public static string Choices(ProviderCapability capability) => string.Join('|', Rows.Where(row => row.Supports(capability)).Select(row => row.Name));

    /// <summary>An example connection string of each provider a command needing <paramref name="capability"/> accepts, for usage text.</summary>
    public static string Examples(ProviderCapability capability) =>
        string.Join("; ", Rows.Where(row => row.Supports(capability)).Select(row => $"{row.Name}: \"{row.Example}\""));

    /// <summary>Every provider with its aliases, for the unknown-provider error.</summary>
    public static string Known() => string.Join(", ", Rows.Select(row => row.Aliases.Count == 0 ? row.Name : $"{row.Name} (or {string.Join(", ", row.Aliases)})"));

    private static ProviderEntry Row(ProviderKind kind) => kind switch
    {
        ProviderKind.Sqlite => new(
            kind,
            Name: "sqlite",
            Aliases: [],
            DisplayName: "SQLite",
            Example: "Data Source=/var/lib/corda/ha.db",
            NewConnection: connectionString => new SqliteConnection(SqliteConnectionStrings.Unpooled(connectionString)),
            Lease: new LeaseWiring(
                CreateStore: (connectionString, table) => new SqliteLeaseStore(
                    Configured(new SqliteLeaseStoreOptions { ConnectionString = connectionString }, o => o.TableName = table ?? o.TableName),
                    TimeProvider.System),
                Use: (builder, connectionString, table) => builder.UseSqlite(connectionString, o => o.TableName = table ?? o.TableName),
                ForExistingDatabase: SqliteConnectionStrings.ForExistingDatabase,
                SchemaPlaceholder: "Data Source=:memory:",
                Drill: DrillSql.Sqlite,
                // Corda Enterprise's table lives in the node's database, which is never SQLite.
                CordaGuard: null),
            // A Corda node's database is never SQLite.
            Checkpoints: null),
        ProviderKind.Postgres => new(
            kind,
            Name: "postgres",
            Aliases: ["postgresql", "pg"],
            DisplayName: "PostgreSQL",
            Example: "Host=db;Database=corda;Username=corda;Password=...",
            NewConnection: connectionString => new NpgsqlConnection(connectionString),
            Lease: new LeaseWiring(
                CreateStore: (connectionString, table) => new PostgreSqlLeaseStore(
                    Configured(new PostgreSqlLeaseStoreOptions { ConnectionString = connectionString }, o => o.TableName = table ?? o.TableName),
                    TimeProvider.System),
                Use: (builder, connectionString, table) => builder.UsePostgreSql(connectionString, o => o.TableName = table ?? o.TableName),
                // A server never creates a missing database on connect.
                ForExistingDatabase: connectionString => connectionString,
                SchemaPlaceholder: "Host=localhost;Database=corda",
                Drill: DrillSql.Postgres,
                CordaGuard: new CordaGuardWiring(
                    DefaultSchema: new PostgreSqlCordaMutualExclusionOptions().SchemaName,
                    CreateReader: settings => new PostgreSqlCordaMutualExclusionReader(Configured(
                        new PostgreSqlCordaMutualExclusionOptions { ConnectionString = settings.ConnectionString, TimeZone = settings.TimeZone },
                        o =>
                        {
                            o.SchemaName = settings.Schema ?? o.SchemaName;
                            o.TableName = settings.Table ?? o.TableName;
                        })))),
            Checkpoints: (builder, connectionString) => builder.UsePostgreSql(connectionString)),
        ProviderKind.SqlServer => new(
            kind,
            Name: "sqlserver",
            Aliases: ["mssql"],
            DisplayName: "SQL Server",
            Example: "Server=db;Database=corda;User Id=corda;Password=...",
            NewConnection: connectionString => new SqlConnection(connectionString),
            Lease: new LeaseWiring(
                CreateStore: (connectionString, table) => new SqlServerLeaseStore(
                    Configured(new SqlServerLeaseStoreOptions { ConnectionString = connectionString }, o => o.TableName = table ?? o.TableName),
                    TimeProvider.System),
                Use: (builder, connectionString, table) => builder.UseSqlServer(connectionString, o => o.TableName = table ?? o.TableName),
                // A server never creates a missing database on connect.
                ForExistingDatabase: connectionString => connectionString,
                // Parsed by the store's options validation, never opened.
                SchemaPlaceholder: "Server=localhost;Database=corda",
                Drill: DrillSql.SqlServer,
                CordaGuard: new CordaGuardWiring(
                    DefaultSchema: new SqlServerCordaMutualExclusionOptions().SchemaName,
                    CreateReader: settings => new SqlServerCordaMutualExclusionReader(Configured(
                        new SqlServerCordaMutualExclusionOptions { ConnectionString = settings.ConnectionString },
                        o =>
                        {
                            // Both sides use the server's local clock: there is no time zone to choose.
                            if (settings.TimeZone is not null)
                            {
                                throw new ArgumentException("--corda-time-zone applies to --provider postgres only: on SQL Server Corda and the reader both use the server's local clock.");
                            }

                            o.SchemaName = settings.Schema ?? o.SchemaName;
                            o.TableName = settings.Table ?? o.TableName;
                        })))),
            Checkpoints: (builder, connectionString) => builder.UseSqlServer(connectionString)),
        _ => throw new UnreachableException($"No provider table row for provider {kind}; add one to {nameof(ProviderTable)}."),
    };

    private static T Configured<T>(T options, Action<T> configure)
    {
        configure(options);
        return options;
    }
}

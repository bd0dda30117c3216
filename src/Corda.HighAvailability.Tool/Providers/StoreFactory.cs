using System.Data.Common;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Providers;

/// <summary>
/// What the commands ask of a provider's row in <see cref="ProviderTable"/>, with the failures turned into usage
/// errors: lease stores for the admin commands, and plain connections for the drill's tables.
/// </summary>
internal static class StoreFactory
{
    public static ISqlLeaseStore CreateStore(ProviderKind provider, string connectionString, string? tableName)
    {
        var row = ProviderTable.Get(provider);
        var lease = row.RequireLease();
        try
        {
            return lease.CreateStore(connectionString, tableName);
        }
        catch (ArgumentException ex)
        {
            // Options validation and connection-string parsing both end here: a usage error, not a crash.
            throw new ToolException(ExitCodes.UsageOrConnection, $"Invalid {row.Name} settings: {Secrets.Redact(ex.Message, connectionString)}", ex);
        }
    }

    /// <summary>The connection string for commands that only inspect or change an existing lease (see <see cref="LeaseWiring.ForExistingDatabase"/>).</summary>
    public static string ForExistingDatabase(ProviderKind provider, string connectionString) =>
        ProviderTable.Get(provider).RequireLease().ForExistingDatabase(connectionString);

    /// <summary>A connection string that only lets a store be constructed (printing the schema); nothing is opened.</summary>
    public static string SchemaPlaceholder(ProviderKind provider) => ProviderTable.Get(provider).RequireLease().SchemaPlaceholder;

    /// <summary>Opens a plain connection (drill table set-up and analysis); the caller disposes it.</summary>
    public static async Task<DbConnection> OpenAsync(ProviderKind provider, string connectionString, CancellationToken cancellationToken)
    {
        var connection = ProviderTable.Get(provider).NewConnection(connectionString);
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
}

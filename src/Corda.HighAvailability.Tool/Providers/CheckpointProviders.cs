using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Tool.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace Corda.HighAvailability.Tool.Providers;

/// <summary>
/// The one place that maps <c>checkpoints verify --provider</c> to a checkpoint dialect package: a new dialect is
/// wired here (name, parse and <see cref="UseProvider"/>) and nowhere else.
/// </summary>
internal static class CheckpointProviders
{
    public const string Choices = "postgres|sqlserver";

    public static bool TryParse(string? text, out CheckpointProviderKind provider)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "postgres" or "postgresql" or "pg":
                provider = CheckpointProviderKind.Postgres;
                return true;
            case "sqlserver" or "mssql":
                provider = CheckpointProviderKind.SqlServer;
                return true;
            default:
                provider = default;
                return false;
        }
    }

    public static string Name(CheckpointProviderKind provider) => provider == CheckpointProviderKind.SqlServer ? "sqlserver" : "postgres";

    public static CheckpointVerificationBuilder UseProvider(this CheckpointVerificationBuilder builder, CheckpointProviderKind provider, string connectionString) => provider switch
    {
        CheckpointProviderKind.Postgres => builder.UsePostgreSql(connectionString),
        CheckpointProviderKind.SqlServer => builder.UseSqlServer(connectionString),
        _ => throw new ToolException(ExitCodes.UsageOrConnection, $"--provider {Name(provider)} is not supported; use {Choices}."),
    };
}

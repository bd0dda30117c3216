namespace Corda.HighAvailability.IntegrationTests.SqlServer;

/// <summary>
/// No SQL Server (nor any TDS server) can run on the development machine, so the real-server tests run only when a
/// connection string is provided, and are reported as skipped with this reason otherwise (the same variable and
/// reason as the checkpoint verifier's SQL Server tests).
/// </summary>
public static class SqlServerTestEnvironment
{
    public const string VariableName = "CORDA_HA_TEST_SQLSERVER";

    public const string SkipReason = "SQL Server is not available on this machine; set CORDA_HA_TEST_SQLSERVER to a connection string to run";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(VariableName) is { Length: > 0 } value ? value : null;

    public static bool IsAvailable => ConnectionString is not null;
}

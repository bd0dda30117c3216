using Corda.HighAvailability.Checkpoints.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Corda.HighAvailability.Checkpoints.Tests.SqlServer.SqlServerTestEnvironment;

namespace Corda.HighAvailability.Checkpoints.Tests.SqlServer;

/// <summary>
/// The verifier contract against a real SQL Server holding Corda-shaped tables in SQL Server types. SQL Server cannot
/// run on the development machine, so these run only when CORDA_HA_TEST_SQLSERVER holds a connection string, and are
/// reported as skipped, with the reason, otherwise.
/// </summary>
public sealed class CheckpointVerifierSqlServerTests : CheckpointVerifierContractTests
{
    public override ValueTask InitializeAsync()
    {
        // Before any test of the contract touches a database: each is reported as skipped, with the reason.
        Assert.SkipUnless(IsAvailable, SkipReason);
        return base.InitializeAsync();
    }

    protected override CordaTableBuilder NewTables(string schema) => new SqlServerCordaTables(ConnectionString!, schema);

    protected override CheckpointVerificationBuilder UseDatabase(CheckpointVerificationBuilder builder, string connectionString) =>
        builder.UseSqlServer(connectionString);
}

using Corda.HighAvailability.Checkpoints.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Corda.HighAvailability.Checkpoints.Tests.SqlServer.SqlServerTestEnvironment;

namespace Corda.HighAvailability.Checkpoints.Tests.SqlServer;

/// <summary>
/// The flow hospital contract against a real SQL Server holding Corda-shaped tables in SQL Server types. Runs only when
/// CORDA_HA_TEST_SQLSERVER holds a connection string, and is reported as skipped, with the reason, otherwise.
/// </summary>
public sealed class FlowHospitalSqlServerTests : FlowHospitalContractTests
{
    public override ValueTask InitializeAsync()
    {
        Assert.SkipUnless(IsAvailable, SkipReason);
        return base.InitializeAsync();
    }

    protected override CordaTableBuilder NewTables(string schema) => new SqlServerCordaTables(ConnectionString!, schema);

    protected override CheckpointVerificationBuilder UseDatabase(CheckpointVerificationBuilder builder, string connectionString) =>
        builder.UseSqlServer(connectionString);
}

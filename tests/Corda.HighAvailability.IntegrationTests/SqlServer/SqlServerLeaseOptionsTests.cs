using Corda.HighAvailability.LeaseElection.SqlServer;
using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.IntegrationTests.SqlServer;

/// <summary>Options, their validation and the DI registration of the SQL Server lease store; no server needed.</summary>
public sealed class SqlServerLeaseOptionsTests
{
    [Fact]
    public void Defaults_are_dbo_the_standard_table_five_second_commands_and_a_quarter_second_poll()
    {
        var options = new SqlServerLeaseStoreOptions();

        Assert.Equal("dbo", options.SchemaName);
        Assert.Equal("corda_ha_lease", options.TableName);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CommandTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.ChangePollInterval);
        Assert.Equal(2, options.TransientRetryCount);
    }

    [Fact]
    public void Every_bad_option_is_named_and_the_password_is_never_shown()
    {
        var error = Assert.Throws<ArgumentException>(() => new SqlServerLeaseStore(new SqlServerLeaseStoreOptions
        {
            ConnectionString = "Server=db;Password=hunter2-secret;No Such Keyword=hunter2-secret",
            SchemaName = "bad]schema",
            TableName = "x; drop table y",
            CommandTimeout = TimeSpan.FromMilliseconds(10),
            ChangePollInterval = TimeSpan.Zero,
            TransientRetryCount = 11,
        }));

        Assert.Contains("SqlServerLeaseStoreOptions.ConnectionString is not a valid Microsoft.Data.SqlClient connection string", error.Message, StringComparison.Ordinal);
        Assert.Contains("SqlServerLeaseStoreOptions.SchemaName 'bad]schema' is not a valid SQL identifier", error.Message, StringComparison.Ordinal);
        Assert.Contains("SqlServerLeaseStoreOptions.TableName 'x; drop table y' is not a valid SQL identifier", error.Message, StringComparison.Ordinal);
        Assert.Contains("SqlServerLeaseStoreOptions.CommandTimeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("SqlServerLeaseStoreOptions.ChangePollInterval", error.Message, StringComparison.Ordinal);
        Assert.Contains("SqlServerLeaseStoreOptions.TransientRetryCount", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_connection_string_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new SqlServerLeaseStore(new SqlServerLeaseStoreOptions()));

        Assert.Contains("SqlServerLeaseStoreOptions.ConnectionString is required.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_connection_string_with_a_password_constructs_without_touching_the_server()
    {
        // Port 1 on loopback: nothing listens, and nothing may be contacted before the first operation.
        var store = new SqlServerLeaseStore(new SqlServerLeaseStoreOptions { ConnectionString = "Server=127.0.0.1,1;Database=corda;User ID=sa;Password=hunter2-secret;Encrypt=false" });

        Assert.Equal("sqlserver", store.ProviderName);
        Assert.DoesNotContain("hunter2", store.GetSchemaScript(), StringComparison.Ordinal);
    }

    [Fact]
    public void UseSqlServer_registers_the_store_with_the_configured_options()
    {
        using var host = Build("Server=127.0.0.1,1;Database=corda;Password=hunter2-secret", o => o.TableName = "my_lease");

        var store = Assert.IsType<SqlServerLeaseStore>(host.Services.GetRequiredService<ILeaseStore>());
        Assert.Contains("dbo.my_lease", store.GetSchemaScript(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(250), host.Services.GetRequiredService<IOptions<SqlServerLeaseStoreOptions>>().Value.ChangePollInterval);
    }

    [Fact]
    public async Task Bad_options_fail_the_host_at_start_naming_the_option_and_never_the_password()
    {
        using var host = Build("Server=db;Password=hunter2-secret;No Such Keyword=1", o => o.SchemaName = "bad schema");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("SqlServerLeaseStoreOptions.ConnectionString is not a valid", error.Message, StringComparison.Ordinal);
        Assert.Contains("SqlServerLeaseStoreOptions.SchemaName 'bad schema'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    private static IHost Build(string connectionString, Action<SqlServerLeaseStoreOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCordaHa(ha => ha.AddLeaseElection(o => o.Identity = "node-a").UseSqlServer(connectionString, configure));
        return builder.Build();
    }
}

using Corda.HighAvailability.LeaseElection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Tests.LeaseElection;

public sealed class LeaseElectionOptionsTests
{
    [Fact]
    public void The_defaults_follow_client_go_and_are_valid()
    {
        var options = new LeaseElectionOptions();

        Assert.Equal(TimeSpan.FromSeconds(15), options.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RenewDeadline);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RetryPeriod);
        Assert.True(options.ReleaseOnStop);
        Assert.False(options.AutoCreateSchema);
        Assert.True(new LeaseElectionOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Default_identities_are_unique_per_instance_and_name_the_machine()
    {
        var a = new LeaseElectionOptions().Identity;
        var b = new LeaseElectionOptions().Identity;

        Assert.NotEqual(a, b);
        Assert.StartsWith(Environment.MachineName + "/" + Environment.ProcessId + "/", a, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(15, 15, 2, "LeaseElectionOptions.LeaseDuration")]
    [InlineData(15, 20, 2, "LeaseElectionOptions.LeaseDuration")]
    [InlineData(15, 2, 2, "LeaseElectionOptions.RenewDeadline")]
    [InlineData(15, 10, 0, "LeaseElectionOptions.RetryPeriod")]
    [InlineData(15, 10, -1, "LeaseElectionOptions.RetryPeriod")]
    public void Inconsistent_timings_are_refused_naming_the_option(int lease, int deadline, int retry, string named)
    {
        var options = new LeaseElectionOptions
        {
            LeaseDuration = TimeSpan.FromSeconds(lease),
            RenewDeadline = TimeSpan.FromSeconds(deadline),
            RetryPeriod = TimeSpan.FromSeconds(retry),
        };

        var result = new LeaseElectionOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "LeaseElectionOptions.LeaseName is required")]
    [InlineData("line\nbreak", "LeaseElectionOptions.LeaseName contains control characters")]
    public void Bad_lease_names_are_refused(string leaseName, string message)
    {
        var result = new LeaseElectionOptionsValidator().Validate(null, new LeaseElectionOptions { LeaseName = leaseName });

        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_with_bad_options_fails_at_start_up_with_the_option_named()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCordaHa(ha => ha
            .AddLeaseElection(o => o.RenewDeadline = TimeSpan.FromSeconds(30))
            .UseSqlite("Data Source=unused.db"));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("LeaseElectionOptions.LeaseDuration (00:00:15) must be longer than LeaseElectionOptions.RenewDeadline (00:00:30)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_with_a_bad_table_name_fails_at_start_up_with_the_option_named()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCordaHa(ha => ha
            .AddLeaseElection()
            .UseSqlite("Data Source=unused.db", o => o.TableName = "lease; DROP TABLE x"));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("SqliteLeaseStoreOptions.TableName 'lease; DROP TABLE x' is not a valid SQL identifier", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_without_a_database_provider_fails_at_start_up_saying_how_to_choose_one()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCordaHa(ha => ha.AddLeaseElection());
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("UseSqlite(...), UsePostgreSql(...) or UseStore(...)", error.ToString(), StringComparison.Ordinal);
    }
}

using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// <c>--provider</c> on the lease commands, the drill and the checkpoint verifier: a provider without the capability,
/// or an unknown name, is a usage error that names it and the providers that work; SQL Server is accepted for lease
/// election (it fails only on the connection here); and the tool's provider table covers every provider.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class ProviderCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("checkpoints", "verify", "--provider", "sqlite", "--connection", "Data Source=x.db")]
    [InlineData("checkpoints", "verify", "-p", "SQLite", "-c", "Data Source=x.db")]
    public async Task A_provider_without_the_capability_is_a_usage_error_naming_it_and_the_providers_that_work(params string[] arguments)
    {
        var run = await CordaHaTool.RunAsync(Timeout, arguments);

        var line = AssertUsageError(run);
        Assert.Contains("--provider sqlite", line, StringComparison.Ordinal);
        Assert.Contains("checkpoint verification on SQLite is not available yet", line, StringComparison.Ordinal);
        Assert.Contains("postgres|sqlserver", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lease", "status", "--provider", "sqlserver")]
    [InlineData("lease", "release", "--provider", "sqlserver")]
    [InlineData("lease", "status", "-p", "mssql")]
    [InlineData("drill", "--provider", "sqlserver", "--lease-duration", "1s", "--candidates", "2", "--kills", "1")]
    public async Task SQL_Server_for_lease_election_is_accepted_and_fails_only_on_the_connection(params string[] arguments)
    {
        var run = await CordaHaTool.RunAsync(Timeout, [.. arguments, "--connection", "Server=tcp:127.0.0.1,1;Database=corda;User Id=sa;Password=hunter2;Connect Timeout=2;Encrypt=false"]);

        // The connection exit code with one line on stderr; the drill prints its header before it connects.
        Assert.True(run.ExitCode == ExitCodes.UsageOrConnection, run.ToString());
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("corda-ha: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("not available", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unknown provider", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Stderr + run.Stdout, StringComparison.Ordinal);
        if (arguments[0] == "lease")
        {
            Assert.Empty(run.Stdout);
        }
    }

    [Fact]
    public async Task SQL_Server_schema_needs_no_connection_and_the_drill_on_it_needs_one()
    {
        var schema = await CordaHaTool.RunAsync(Timeout, "lease", "schema", "--provider", "sqlserver");
        Assert.True(schema.ExitCode == ExitCodes.Success, schema.ToString());
        Assert.Contains("CREATE TABLE dbo.corda_ha_lease", schema.Stdout, StringComparison.Ordinal);

        var drill = await CordaHaTool.RunAsync(Timeout, "drill", "--provider", "sqlserver");
        Assert.Contains("--provider sqlserver needs --connection", AssertUsageError(drill), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lease", "status", "--provider", "mysql", "--connection", "Data Source=x.db")]
    [InlineData("drill", "--provider", "oracle")]
    public async Task An_unknown_provider_is_a_usage_error_listing_the_known_ones(params string[] arguments)
    {
        var run = await CordaHaTool.RunAsync(Timeout, arguments);

        var line = AssertUsageError(run);
        Assert.Contains($"Unknown provider '{arguments[Array.IndexOf(arguments, "--provider") + 1]}'", line, StringComparison.Ordinal);
        Assert.All(ProviderTable.All, provider => Assert.Contains(provider.Name, line, StringComparison.Ordinal));
        Assert.Contains("this command takes sqlite|postgres|sqlserver", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_lists_every_provider_that_works_for_each_command()
    {
        var lease = await CordaHaTool.RunAsync(Timeout, "lease", "status", "--help");
        var drill = await CordaHaTool.RunAsync(Timeout, "drill", "--help");
        var verify = await CordaHaTool.RunAsync(Timeout, "checkpoints", "verify", "--help");

        Assert.Contains("--provider <sqlite|postgres|sqlserver>", lease.Stdout, StringComparison.Ordinal);
        Assert.Contains("--provider <sqlite|postgres|sqlserver>", drill.Stdout, StringComparison.Ordinal);
        Assert.Contains("--provider <postgres|sqlserver>", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_provider_table_has_one_row_per_provider_with_distinct_names()
    {
        Assert.Equal(Enum.GetValues<ProviderKind>(), ProviderTable.All.Select(row => row.Kind));
        var names = ProviderTable.All.SelectMany(row => row.Names).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(Enum.GetValues<ProviderCapability>(), capability => Assert.Contains(ProviderTable.All, row => row.Supports(capability)));
        Assert.All(ProviderTable.All, row => Assert.True(ProviderTable.TryParse(row.Name.ToUpperInvariant(), out var parsed) && parsed.Kind == row.Kind, row.Name));
    }

    private static string AssertUsageError(ToolRun run)
    {
        Assert.True(run.ExitCode == ExitCodes.UsageOrConnection, run.ToString());
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, run.ToString());
        Assert.StartsWith("corda-ha: ", lines[0], StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
        return lines[0];
    }
}

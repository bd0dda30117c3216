using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// <c>--provider</c> on the lease commands and the drill: a provider without a lease store, or an unknown name, is a
/// usage error that names it and the providers that work; and the tool's provider table covers every provider.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class ProviderCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("lease", "status", "--provider", "sqlserver", "--connection", "Server=db;Database=corda")]
    [InlineData("lease", "release", "--provider", "sqlserver", "--connection", "Server=db;Database=corda")]
    [InlineData("lease", "schema", "--provider", "sqlserver")]
    [InlineData("lease", "status", "-p", "mssql", "-c", "Server=db;Database=corda")]
    [InlineData("drill", "--provider", "sqlserver", "--connection", "Server=db;Database=corda")]
    [InlineData("drill", "--provider", "sqlserver")]
    public async Task SQL_Server_for_lease_election_is_a_usage_error_naming_it_and_the_providers_that_work(params string[] arguments)
    {
        var run = await CordaHaTool.RunAsync(Timeout, arguments);

        var line = AssertUsageError(run);
        Assert.Contains("--provider sqlserver", line, StringComparison.Ordinal);
        Assert.Contains("lease election on SQL Server is not available yet", line, StringComparison.Ordinal);
        Assert.Contains("sqlite|postgres", line, StringComparison.Ordinal);
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
        Assert.Contains("this command takes sqlite|postgres", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_lists_every_provider_that_works_for_each_command()
    {
        var lease = await CordaHaTool.RunAsync(Timeout, "lease", "status", "--help");
        var drill = await CordaHaTool.RunAsync(Timeout, "drill", "--help");
        var verify = await CordaHaTool.RunAsync(Timeout, "checkpoints", "verify", "--help");

        Assert.Contains("--provider <sqlite|postgres>", lease.Stdout, StringComparison.Ordinal);
        Assert.Contains("--provider <sqlite|postgres>", drill.Stdout, StringComparison.Ordinal);
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
